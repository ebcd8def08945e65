// Vite's `?raw` imports: the file's text as a string (the basemap JSON is parsed at run time, so
// the type checker never reads 600 kB of coordinates).
declare module '*?raw' {
  const text: string;
  export default text;
}
