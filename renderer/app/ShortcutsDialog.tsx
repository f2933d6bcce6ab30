import Box from '@mui/material/Box';
import Dialog from '@mui/material/Dialog';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import { PAGE_SHORTCUTS, PAGE_TITLES, STUDIO_COMMANDS, acceleratorLabel } from '../../electron/contract/commands.js';
import { IS_MAC } from './commands.js';
import { CloseActions } from './CloseActions.js';

const SECTIONS = [
  { menu: 'file', title: 'Files' },
  { menu: 'batch', title: 'Batch' },
  { menu: 'go', title: 'Pages' },
  { menu: 'help', title: 'Help' },
] as const;

function Keys({ keys }: { keys: string }) {
  return (
    <Box component="kbd" sx={{ fontFamily: 'ui-monospace, monospace', fontSize: 12, px: 0.75, py: 0.25, borderRadius: 1, border: 1, borderColor: 'divider', bgcolor: 'action.hover', whiteSpace: 'nowrap' }}>
      {keys}
    </Box>
  );
}

/** Every keyboard shortcut, from the same table as the menu: the studio's commands, then each page's own. */
export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} maxWidth="md" fullWidth aria-labelledby="shortcuts-title">
      <DialogTitle id="shortcuts-title">Keyboard shortcuts</DialogTitle>
      <DialogContent dividers>
        <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, gap: 3 }} data-testid="shortcuts-list">
          {SECTIONS.map((section) => (
            <Box key={section.menu}>
              <Typography variant="overline" color="text.secondary">
                {section.title}
              </Typography>
              {STUDIO_COMMANDS.filter((c) => c.menu === section.menu && 'accelerator' in c).map((c) => (
                <Box key={c.id} sx={{ display: 'flex', gap: 2, alignItems: 'baseline', py: 0.5 }}>
                  <Box sx={{ minWidth: 110 }}>{'accelerator' in c && <Keys keys={acceleratorLabel(c.accelerator, IS_MAC)} />}</Box>
                  <Typography variant="body2">
                    <b>{c.label.replace('…', '')}</b> · {c.help}
                  </Typography>
                </Box>
              ))}
            </Box>
          ))}
          <Box>
            <Typography variant="overline" color="text.secondary">
              On one page
            </Typography>
            {PAGE_SHORTCUTS.map((s) => (
              <Box key={`${s.page}-${s.keys}`} sx={{ display: 'flex', gap: 2, alignItems: 'baseline', py: 0.5 }}>
                <Box sx={{ minWidth: 110 }}>
                  <Keys keys={acceleratorLabel(s.keys, IS_MAC)} />
                </Box>
                <Typography variant="body2">
                  <b>{PAGE_TITLES[s.page]}</b> · {s.help}
                </Typography>
              </Box>
            ))}
          </Box>
        </Box>
      </DialogContent>
      <CloseActions onClose={onClose} />
    </Dialog>
  );
}
