import { useCallback, useEffect, useMemo, useState } from 'react';
import Alert from '@mui/material/Alert';
import AppBar from '@mui/material/AppBar';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Snackbar from '@mui/material/Snackbar';
import Tooltip from '@mui/material/Tooltip';
import KeyboardIcon from '@mui/icons-material/KeyboardOutlined';
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
import { PAGES, PAGE_TITLES, acceleratorLabel, type CommandId, type PageId } from '../../electron/contract/commands.js';
import type { AppInfo, EngineStatus } from '../../electron/contract/ipc.js';
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
import { AboutDialog } from './AboutDialog.js';
import { CommandBus, CommandContext, IS_MAC, useCommandSource } from './commands.js';
import { ErrorNotice } from './ErrorNotice.js';
import { FolderBrowserDialog } from './FolderBrowserDialog.js';
import { ShortcutsDialog } from './ShortcutsDialog.js';
import { StudioContext } from './StudioContext.js';
import { useModelsStore } from './useModelsStore.js';
import { studioTheme } from './theme.js';
import { useEndNotices } from './useEndNotices.js';

type Page = PageId;

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
  const [bus] = useState(() => new CommandBus());
  const [dialog, setDialog] = useState<'shortcuts' | 'about' | 'output' | null>(null);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const { notice, dismiss } = useEndNotices(api, platform.mode === 'browser');
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

  // The output folder comes from the system's dialog in the desktop app, from the engine's folder browser in browser mode.
  const chooseOutputFolder = useCallback(async () => {
    if (platform.mode === 'browser') {
      setDialog('output');
      return;
    }
    const r = await api.dialogPick({ kind: 'folder', title: 'Choose the output folder' });
    if (!r.ok) setError(r.error);
    else if (r.data.paths[0] !== undefined) await updateSettings({ outputDir: r.data.paths[0] });
  }, [api, platform.mode, updateSettings]);

  useEffect(() => {
    void api.appInfo({}).then((r) => r.ok && setInfo(r.data));
  }, [api]);

  const openLogs = useCallback(async () => {
    const r = await api.appOpenLogs({});
    if (!r.ok) setError({ ...r.error, code: 'BAD_ARGUMENT' });
  }, [api]);

  const runCommand = useCallback(
    (command: CommandId) => {
      if (command.startsWith('page:')) setPage(command.slice('page:'.length) as Page);
      else if (command === 'shortcuts') setDialog('shortcuts');
      else if (command === 'about') setDialog('about');
      else if (command === 'open-logs') void openLogs();
      else if (command === 'choose-output') void chooseOutputFolder();
      else if (!bus.dispatch(command) && (command === 'open-images' || command === 'open-folder')) {
        // Files are opened into the Translate queue from any page that has no use of its own for them.
        setPage('translate');
        setTimeout(() => bus.dispatch(command), 0);
      }
    },
    [bus, openLogs, chooseOutputFolder],
  );
  useCommandSource(platform, runCommand);

  const context = useMemo(
    () => ({ platform, settings, updateSettings, library, chooseOutputFolder, info, openLogs }),
    [platform, settings, updateSettings, library, chooseOutputFolder, info, openLogs],
  );
  const showTranslate = useCallback(() => setPage('translate'), []);

  return (
    <StudioContext.Provider value={context}>
      <CommandContext.Provider value={bus}>
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
                  {PAGES.map((p, i) => (
                    <Tab key={p} value={p} label={PAGE_TITLES[p]} title={acceleratorLabel(`CmdOrCtrl+Shift+${i + 1}`, IS_MAC)} />
                  ))}
                </Tabs>
                <Box sx={{ flex: 1 }} />
                {engine !== null && engine.state !== 'ready' && (
                  <Chip size="small" color={engine.state === 'failed' ? 'error' : 'warning'} label={engine.state === 'failed' ? 'Engine stopped' : 'Engine restarting…'} data-testid="engine-chip" />
                )}
                {platform.mode === 'browser' && <Chip size="small" variant="outlined" label="Browser mode" />}
                <Tooltip title={`Keyboard shortcuts (${acceleratorLabel('CmdOrCtrl+/', IS_MAC)})`}>
                  <IconButton aria-label="Keyboard shortcuts" onClick={() => setDialog('shortcuts')}>
                    <KeyboardIcon />
                  </IconButton>
                </Tooltip>
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
            <ShortcutsDialog open={dialog === 'shortcuts'} onClose={() => setDialog(null)} />
            <AboutDialog info={info} open={dialog === 'about'} onClose={() => setDialog(null)} />
            <FolderBrowserDialog
              api={api}
              open={dialog === 'output'}
              title="Choose the output folder"
              {...(settings === null ? {} : { start: settings.outputDir })}
              onClose={() => setDialog(null)}
              onChoose={(path) => {
                setDialog(null);
                void updateSettings({ outputDir: path });
              }}
            />
            <Snackbar open={notice !== null} key={notice?.key} autoHideDuration={8000} onClose={(_, reason) => reason !== 'clickaway' && dismiss()} anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}>
              <Alert
                severity={notice?.severity ?? 'info'}
                variant="filled"
                onClose={dismiss}
                data-testid="end-notice"
                action={
                  notice?.jobId !== undefined && platform.mode === 'desktop' ? (
                    <Button color="inherit" size="small" onClick={() => void api.outputsOpenFolder({ jobId: notice.jobId as string })}>
                      Show folder
                    </Button>
                  ) : undefined
                }
              >
                {notice?.message}
              </Alert>
            </Snackbar>
          </Box>
        </ThemeProvider>
      </BatchContext.Provider>
      </CommandContext.Provider>
    </StudioContext.Provider>
  );
}
