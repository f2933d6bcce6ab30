import { memo, useEffect, useMemo, useRef } from 'react';
import Box from '@mui/material/Box';
import GlobalStyles from '@mui/material/GlobalStyles';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { alpha, useTheme } from '@mui/material/styles';
import uPlot from 'uplot';
import { smooth } from './smoothing.js';

const HEIGHT = 150;

/** The few uPlot layout rules the charts rely on (its stylesheet, without legend and cursor). */
const chartStyles = (
  <GlobalStyles
    styles={{
      '.uplot, .uplot *': { boxSizing: 'border-box' },
      '.uplot': { width: 'min-content', lineHeight: 1.5 },
      '.u-wrap': { position: 'relative', userSelect: 'none' },
      '.u-over, .u-under': { position: 'absolute' },
      '.u-under': { overflow: 'hidden' },
      '.uplot canvas': { display: 'block', position: 'relative', width: '100%', height: '100%' },
      '.u-axis': { position: 'absolute' },
    }}
  />
);

/**
 * One loss over the iterations: the raw values faint behind, an exponential moving average on
 * top. uPlot draws on a canvas, so thousands of points stay cheap to update ten times a second.
 */
export const LossChart = memo(function LossChart({ name, iterations, values }: { name: string; iterations: number[]; values: number[] }) {
  const theme = useTheme();
  const holder = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const smoothed = useMemo(() => smooth(values), [values]);

  useEffect(() => {
    const element = holder.current;
    if (element === null) return;
    const axis = { stroke: theme.palette.text.secondary, grid: { stroke: theme.palette.divider, width: 1 }, ticks: { show: false }, font: `11px ${theme.typography.fontFamily ?? 'sans-serif'}` };
    const plot = new uPlot(
      {
        width: Math.max(200, element.clientWidth),
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false } },
        axes: [axis, { ...axis, size: 48 }],
        series: [
          {},
          { stroke: alpha(theme.palette.primary.main, 0.25), width: 1, points: { show: false } },
          { stroke: theme.palette.primary.main, width: 2, points: { show: false } },
        ],
      },
      [[], [], []],
      element,
    );
    chart.current = plot;
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, element.clientWidth), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [theme]);

  useEffect(() => {
    chart.current?.setData([iterations, values, smoothed]);
  }, [iterations, values, smoothed, theme]);

  const latest = smoothed.at(-1);
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="loss-chart" data-loss={name} data-points={values.length}>
      {chartStyles}
      <Box sx={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline', mb: 0.5 }}>
        <Typography variant="subtitle2">{name}</Typography>
        <Typography variant="caption" color="text.secondary">
          {latest === undefined || !Number.isFinite(latest) ? '—' : `smoothed ${latest.toFixed(3)}`}
        </Typography>
      </Box>
      <Box ref={holder} sx={{ width: '100%' }} />
    </Paper>
  );
});
