import './zod-config.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { call } from './bridge.ts';
import { initI18n, pickLanguage } from './i18n/index.ts';
import { AppProvider } from './state.tsx';
import './styles.css';

const settings = await call('settings.get', {}).catch(() => ({ operator: '', language: null, recent: [], tsaUrls: [], signingKey: null, gpsMismatchKm: 25 }));
await initI18n(pickLanguage(settings.language, navigator.languages));
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProvider initialSettings={settings}>
      <App />
    </AppProvider>
  </StrictMode>,
);
