import { useCallback, useEffect, useMemo, useState } from 'react';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import CssBaseline from '@mui/material/CssBaseline';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import useMediaQuery from '@mui/material/useMediaQuery';
import { ThemeProvider } from '@mui/material/styles';
import AutoFixHighIcon from '@mui/icons-material/AutoFixHigh';
import type { EngineStatus } from '../../electron/contract/ipc.js';
import type { Settings } from '../../electron/contract/settings.js';
import type { StudioErrorInfo } from '../../electron/contract/result.js';
import type { Platform } from '../api/platform.js';
import { AttributesPage } from '../features/attributes/AttributesPage.js';
import { FinetunePage } from '../features/finetune/FinetunePage.js';
import { ResumeOffer } from '../features/finetune/ResumeOffer.js';
import { LibraryPage } from '../features/library/LibraryPage.js';
import { SettingsPage } from '../features/settings/SettingsPage.js';
import { SketchPage } from '../features/sketch/SketchPage.js';
import { TranslatePage } from '../features/translate/TranslatePage.js';
import { BatchContext, useBatchQueue } from '../features/translate/useBatchQueue.js';
import { ErrorNotice } from './ErrorNotice.js';
import { StudioContext } from './StudioContext.js';
import { useModelsStore } from './useModelsStore.js';
import { studioTheme } from './theme.js';

type Page = 'translate' | 'attributes' | 'finetune' | 'library' | 'settings' | 'sketch';

export function App({ platform }: { platform: Platform }) {
  const { api } = platform;
  const [page, setPage] = useState<Page>('translate');
  const [settings, setSettings] = useState<Settings | null>(null);
  const [engine, setEngine] = useState<EngineStatus | null>(null);
  const [error, setError] = useState<StudioErrorInfo | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  // The run the Fine-tune page shows.
  const [runId, setRunId] = useState<string | null>(null);
  // The sketch pad mounts on its first visit and then stays, so a drawing survives other pages.
  const [sketchOpened, setSketchOpened] = useState(false);
  useEffect(() => {
    if (page === 'sketch') setSketchOpened(true);
  }, [page]);
  const systemDark = useMediaQuery('(prefers-color-scheme: dark)');
  const mode = settings?.theme === 'dark' || (settings?.theme !== 'light' && systemDark) ? 'dark' : 'light';
  const theme = useMemo(() => studioTheme(mode), [mode]);
  // The Translate queue lives here: the Attributes page previews its images and sends batches to it.
  const queue = useBatchQueue(api);
  const library = useModelsStore(api, setError);

  useEffect(() => {
    void api.settingsGet({}).then((r) => (r.ok ? setSettings(r.data) : setError(r.error)));
    void api.engineStatus({}).then((r) => r.ok && setEngine(r.data));
    const offSettings = api.on('settings:changed', setSettings);
    const offEngine = api.on('engine:status', setEngine);
    return () => {
      offSettings();
      offEngine();
    };
  }, [api]);

  // The document title carries batch progress (the desktop app also sets the taskbar's).
  useEffect(() => {
    document.title = progress === null ? 'GAN Studio' : `${Math.round(progress * 100)}% · GAN Studio`;
  }, [progress]);

  const updateSettings = useCallback(
    async (patch: Partial<Settings>) => {
      const r = await api.settingsSet(patch);
      if (r.ok) setSettings(r.data);
      else setError(r.error);
    },
    [api],
  );
  const openRun = useCallback((id: string) => {
    setRunId(id);
    setPage('finetune');
  }, []);

  const translateWith = useCallback(
    (model: string) => {
      void updateSettings({ model }).then(() => setPage('translate'));
    },
    [updateSettings],
  );

  const context = useMemo(() => ({ platform, settings, updateSettings, library }), [platform, settings, updateSettings, library]);
  const showTranslate = useCallback(() => setPage('translate'), []);

  return (
    <StudioContext.Provider value={context}>
      <BatchContext.Provider value={queue}>
        <ThemeProvider theme={theme}>
          <CssBaseline />
          <Box sx={{ minHeight: '100vh', bgcolor: 'background.default' }} data-theme-mode={mode} data-testid="app">
            <AppBar position="sticky" color="inherit" sx={{ borderBottom: 1, borderColor: 'divider' }} elevation={0}>
              <Toolbar sx={{ gap: 3 }}>
                <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
                  <AutoFixHighIcon color="primary" />
                  <Typography variant="h6" component="h1" sx={{ fontSize: 18 }}>
                    GAN Studio
                  </Typography>
                </Box>
                <Tabs value={page} onChange={(_, v: Page) => setPage(v)} aria-label="Pages">
                  <Tab value="translate" label="Translate" />
                  <Tab value="attributes" label="Attributes" />
                  <Tab value="sketch" label="Sketch" />
                  <Tab value="finetune" label="Fine-tune" />
                  <Tab value="library" label="Library" />
                  <Tab value="settings" label="Settings" />
                </Tabs>
                <Box sx={{ flex: 1 }} />
                {engine !== null && engine.state !== 'ready' && (
                  <Chip size="small" color={engine.state === 'failed' ? 'error' : 'warning'} label={engine.state === 'failed' ? 'Engine stopped' : 'Engine restarting…'} data-testid="engine-chip" />
                )}
                {platform.mode === 'browser' && <Chip size="small" variant="outlined" label="Browser mode" />}
              </Toolbar>
            </AppBar>
            <Box component="main" sx={{ p: 3, maxWidth: 1280, mx: 'auto' }}>
              {error !== null && (
                <Box sx={{ mb: 2 }}>
                  <ErrorNotice error={error} onClose={() => setError(null)} />
                </Box>
              )}
              <ResumeOffer onResumed={openRun} />
              {/* The Translate page stays mounted so its queue keeps receiving events on other pages. */}
              <Box hidden={page !== 'translate'}>
                <TranslatePage onProgress={setProgress} engine={engine} shown={page === 'translate'} />
              </Box>
              {/* Kept mounted too, so the picture, sliders and preview survive a visit to another page. */}
              <Box hidden={page !== 'attributes'}>
                <AttributesPage shown={page === 'attributes'} onApplied={showTranslate} />
              </Box>
              {page === 'finetune' && <FinetunePage runId={runId} onRunId={setRunId} onUseModel={translateWith} />}
              {page === 'library' && <LibraryPage />}
              {page === 'settings' && <SettingsPage engine={engine} />}
              {(sketchOpened || page === 'sketch') && (
                <Box hidden={page !== 'sketch'}>
                  <SketchPage shown={page === 'sketch'} />
                </Box>
              )}
            </Box>
          </Box>
        </ThemeProvider>
      </BatchContext.Provider>
    </StudioContext.Provider>
  );
}
