import { createRoot } from 'react-dom/client';
import { createBrowserPlatform } from './api/browser-platform.js';
import { createDesktopPlatform, type DesktopBridge } from './api/desktop-platform.js';
import { App } from './app/App.js';

// The desktop app's preload defines window.studio; without it we are in browser mode.
const exposed = window as unknown as Partial<Pick<DesktopBridge, 'studio'>> & { studioFiles?: Pick<DesktopBridge, 'pathForFile'> };
const platform =
  exposed.studio !== undefined && exposed.studioFiles !== undefined
    ? createDesktopPlatform({ studio: exposed.studio, pathForFile: exposed.studioFiles.pathForFile })
    : createBrowserPlatform(window.location);
const root = document.getElementById('root');
if (root !== null) createRoot(root).render(<App platform={platform} />);
