import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../electron/common/ipc.ts';
import { call } from './bridge.ts';
import { LANGUAGES } from './i18n/index.ts';
import { ArchivesScreen } from './screens/Archives.tsx';
import { CatalogScreen } from './screens/Catalog.tsx';
import { ExportScreen } from './screens/Export.tsx';
import { ImportScreen } from './screens/Import.tsx';
import { ItemScreen } from './screens/Item.tsx';
import { KeysScreen } from './screens/Keys.tsx';
import { LibraryScreen } from './screens/Library.tsx';
import { MapScreen } from './screens/Map.tsx';
import { VerifyScreen } from './screens/Verify.tsx';
import { BackgroundJobs } from './components/BackgroundJobs.tsx';
import { ErrorBanner } from './components/ErrorBanner.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { useApp, type Route } from './state.tsx';

const NAV: { key: string; route: Route; needsArchive: boolean }[] = [
  { key: 'nav.archives', route: { screen: 'archives' }, needsArchive: false },
  { key: 'nav.library', route: { screen: 'library' }, needsArchive: true },
  { key: 'nav.map', route: { screen: 'map' }, needsArchive: true },
  { key: 'nav.import', route: { screen: 'import' }, needsArchive: true },
  { key: 'nav.places', route: { screen: 'catalog', entity: 'place' }, needsArchive: true },
  { key: 'nav.people', route: { screen: 'catalog', entity: 'person' }, needsArchive: true },
  { key: 'nav.incidents', route: { screen: 'catalog', entity: 'incident' }, needsArchive: true },
  { key: 'nav.cases', route: { screen: 'catalog', entity: 'case' }, needsArchive: true },
  { key: 'nav.export', route: { screen: 'export' }, needsArchive: true },
  { key: 'nav.verify', route: { screen: 'verify' }, needsArchive: true },
  { key: 'nav.keys', route: { screen: 'keys' }, needsArchive: false },
];

function sameScreen(a: Route, b: Route): boolean {
  if (a.screen !== b.screen) return false;
  return a.screen !== 'catalog' || (b.screen === 'catalog' && a.entity === b.entity);
}

export function App() {
  const { t, i18n } = useTranslation();
  const app = useApp();
  const { route, archive, catalog } = app;

  useEffect(() => {
    document.title = archive ? t('app.titleWithArchive', { name: archive.name }) : t('app.title');
  }, [archive, t]);

  const changeLanguage = async (lng: Language) => {
    await i18n.changeLanguage(lng);
    try {
      app.setSettings(await call('settings.set', { language: lng }));
    } catch (e) {
      app.report(e);
    }
  };

  const visible = NAV.filter((n) => n.route.screen !== 'catalog' || catalog.entities.includes(n.route.entity));
  return (
    <div className="app">
      <header className="topbar">
        <strong className="brand">{t('app.title')}</strong>
        <nav aria-label={t('nav.label')}>
          {visible.map((n) => (
            <button key={n.key} type="button" className={sameScreen(route, n.route) ? 'nav active' : 'nav'} disabled={n.needsArchive && !archive}
              data-testid={`nav-${n.key.slice(4)}`} onClick={() => app.go(n.route)}>{t(n.key)}</button>
          ))}
        </nav>
        <span className="spacer" />
        {archive && <span className="archive-name" title={archive.dir}>{archive.name}</span>}
        <BackgroundJobs />
        <label className="lang">
          <span className="sr-only">{t('settings.language')}</span>
          <select value={i18n.language} onChange={(e) => void changeLanguage(e.target.value as Language)} data-testid="language">
            {LANGUAGES.map((l) => <option key={l} value={l}>{t(`languages.${l}`)}</option>)}
          </select>
        </label>
      </header>
      <ErrorBanner />
      <main className="screen">
        <ErrorBoundary resetKey={JSON.stringify(route)}>
        {route.screen === 'archives' && <ArchivesScreen />}
        {archive && route.screen === 'library' && <LibraryScreen />}
        {archive && route.screen === 'map' && <MapScreen />}
        {archive && route.screen === 'import' && <ImportScreen />}
        {archive && route.screen === 'item' && <ItemScreen id={route.id} />}
        {archive && route.screen === 'catalog' && <CatalogScreen entity={route.entity} id={route.id} />}
        {archive && route.screen === 'export' && <ExportScreen />}
        {archive && route.screen === 'verify' && <VerifyScreen />}
        {route.screen === 'keys' && <KeysScreen />}
        </ErrorBoundary>
      </main>
    </div>
  );
}
