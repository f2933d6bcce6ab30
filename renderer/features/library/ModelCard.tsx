import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardActions from '@mui/material/CardActions';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Collapse from '@mui/material/Collapse';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import type { ModelSummary } from '../../../electron/contract/ipc.js';
import { formatBytes } from '../../app/format.js';

const KIND_LABEL: Record<ModelSummary['kind'], string> = { cyclegan: 'CycleGAN', pix2pix: 'pix2pix', conditional: 'Conditional' };

export function ModelCard({ model, onDelete }: { model: ModelSummary; onDelete: (model: ModelSummary) => void }) {
  const [showCard, setShowCard] = useState(false);
  return (
    <Card data-testid="model-card" data-model-id={model.id} data-origin={model.origin} sx={{ display: 'flex', flexDirection: 'column' }}>
      <CardContent sx={{ flex: 1 }}>
        <Stack direction="row" spacing={0.5} sx={{ mb: 1, flexWrap: 'wrap', gap: 0.5 }}>
          <Chip size="small" color="primary" label={KIND_LABEL[model.kind]} />
          <Chip size="small" variant="outlined" label={model.origin === 'bundled' ? 'Bundled' : 'Installed'} />
        </Stack>
        <Typography variant="h6" component="h3" sx={{ fontSize: 17 }}>
          {model.name}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
          {model.description}
        </Typography>
        <Box component="dl" sx={{ m: 0, display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: 1.5, rowGap: 0.25, fontSize: 13, '& dt': { color: 'text.secondary' }, '& dd': { m: 0, overflowWrap: 'anywhere' } }}>
          <dt>Architecture</dt>
          <dd>{model.architecture}</dd>
          <dt>Size</dt>
          <dd>{formatBytes(model.sizeBytes)}</dd>
          <dt>Source</dt>
          <dd>{model.source}</dd>
          <dt>Licence</dt>
          <dd>{model.licence}</dd>
        </Box>
        {model.card !== undefined && (
          <Collapse in={showCard}>
            <Box component="pre" sx={{ mt: 1.5, p: 1.5, bgcolor: 'action.hover', borderRadius: 1, whiteSpace: 'pre-wrap', fontSize: 12, maxHeight: 240, overflow: 'auto' }}>
              {model.card}
            </Box>
          </Collapse>
        )}
      </CardContent>
      <CardActions>
        {model.card !== undefined && (
          <Button size="small" onClick={() => setShowCard((s) => !s)} aria-expanded={showCard}>
            {showCard ? 'Hide card' : 'Model card'}
          </Button>
        )}
        <Box sx={{ flex: 1 }} />
        {model.origin === 'installed' && (
          <Button size="small" color="error" startIcon={<DeleteIcon />} onClick={() => onDelete(model)} aria-label={`Delete ${model.name}`}>
            Delete
          </Button>
        )}
      </CardActions>
    </Card>
  );
}
