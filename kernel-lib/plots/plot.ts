// A chainable Vega-Lite plot: layers of marks on shared axes, plus optional
// event markers (labelled vertical rules) on the time axis.
import type { TopLevelSpec } from 'vega-lite';
import type { ColumnTable } from 'arquero';

/** A Vega-Lite unit or layer spec without data-independent top-level keys. */
export type Layer = Record<string, unknown>;

export interface PlotState {
  layers: Layer[];
  title?: string;
  width: number;
  height: number;
  /** Continuous x and y: renderHtml may add pan and zoom. */
  zoomable: boolean;
}

export class Plot {
  constructor(readonly state: PlotState) {}

  title(title: string): Plot {
    return new Plot({ ...this.state, title });
  }

  size(width: number, height: number): Plot {
    return new Plot({ ...this.state, width, height });
  }

  /** Adds a layer (any Vega-Lite unit spec with its own data). */
  layer(layer: Layer): Plot {
    return new Plot({ ...this.state, layers: [...this.state.layers, layer] });
  }

  /**
   * Marks events (an eventsTable: t_ns, label) as vertical rules with
   * labels on a time axis in seconds; use the same origin as the data.
   */
  events(events: ColumnTable): Plot {
    const t = events.array('t_ns') as ArrayLike<number>;
    const label = events.array('label') as ArrayLike<string>;
    const values = Array.from({ length: events.numRows() }, (_, i) => ({ time_s: t[i]! / 1e9, label: label[i]! }));
    const data = { values };
    return this
      .layer({ data, mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { x: { field: 'time_s', type: 'quantitative' } } })
      .layer({
        data,
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 2, fontSize: 10, color: '#555' },
        encoding: { x: { field: 'time_s', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      });
  }

  /** The Vega-Lite specification; `zoom` adds pan and zoom where both axes are continuous. */
  spec(options: { zoom?: boolean } = {}): TopLevelSpec {
    const { layers, title, width, height, zoomable } = this.state;
    const [first, ...rest] = layers;
    const layer = options.zoom && zoomable && first
      ? [{ ...first, params: [{ name: 'zoom', select: 'interval', bind: 'scales' }] }, ...rest]
      : layers;
    // Layers are built loosely typed; vega-lite's compile validates them.
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      ...(title ? { title } : {}),
      width,
      height,
      layer,
    } as unknown as TopLevelSpec;
  }
}

export function newPlot(layers: Layer[], zoomable: boolean): Plot {
  return new Plot({ layers, width: 600, height: 300, zoomable });
}
