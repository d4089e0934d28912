// A drawing of a topology as standalone SVG: written to a file by
// `p4lab graph`, or shown inline in a notebook (tslab.display.html(svg)).
// Layout: a deterministic force-directed placement (Fruchterman-Reingold),
// so the same topology always gives the same picture.
import type { NodeSpec, TopologySpec } from './topology-file.js';

interface Placed {
  name: string;
  kind: NodeSpec['kind'];
  docker: boolean;
  x: number;
  y: number;
}

const STYLE: Record<NodeSpec['kind'], { fill: string; stroke: string }> = {
  host: { fill: '#e8f5e9', stroke: '#2e7d32' },
  p4switch: { fill: '#e3f2fd', stroke: '#1565c0' },
  bridge: { fill: '#f5f5f5', stroke: '#616161' },
};

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function layout(nodes: Placed[], edges: Array<[number, number]>): void {
  const n = nodes.length;
  nodes.forEach((p, i) => {
    p.x = Math.cos((2 * Math.PI * i) / n) * 100;
    p.y = Math.sin((2 * Math.PI * i) / n) * 100;
  });
  const k = 60; // ideal edge length
  for (let it = 0, temp = 50; it < 300; it++, temp *= 0.985) {
    const dx = new Array<number>(n).fill(0);
    const dy = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const ex = nodes[i]!.x - nodes[j]!.x;
        const ey = nodes[i]!.y - nodes[j]!.y;
        const d = Math.max(Math.hypot(ex, ey), 0.01);
        const f = (k * k) / d;
        dx[i]! += (ex / d) * f; dy[i]! += (ey / d) * f;
        dx[j]! -= (ex / d) * f; dy[j]! -= (ey / d) * f;
      }
    }
    for (const [a, b] of edges) {
      const ex = nodes[a]!.x - nodes[b]!.x;
      const ey = nodes[a]!.y - nodes[b]!.y;
      const d = Math.max(Math.hypot(ex, ey), 0.01);
      const f = (d * d) / k;
      dx[a]! -= (ex / d) * f; dy[a]! -= (ey / d) * f;
      dx[b]! += (ex / d) * f; dy[b]! += (ey / d) * f;
    }
    for (let i = 0; i < n; i++) {
      const d = Math.max(Math.hypot(dx[i]!, dy[i]!), 0.01);
      nodes[i]!.x += (dx[i]! / d) * Math.min(d, temp);
      nodes[i]!.y += (dy[i]! / d) * Math.min(d, temp);
    }
  }
}

function linkText(l: TopologySpec['links'][number]): string {
  return [l.delay, l.jitter && `±${l.jitter}`, l.loss !== undefined && `loss ${l.loss}`, l.rate].filter(Boolean).join(' ');
}

/** The topology as an SVG document. */
export function topologySvg(spec: Pick<TopologySpec, 'name' | 'nodes' | 'links'>): string {
  const names = Object.keys(spec.nodes);
  const nodes: Placed[] = names.map((name) => {
    const n = spec.nodes[name]!;
    return { name, kind: n.kind, docker: n.kind === 'host' && (n.backend === 'docker' || n.image !== undefined), x: 0, y: 0 };
  });
  const ends = spec.links.map((l) => l.endpoints.map((e) => e.split(':')[0]!) as [string, string]);
  layout(nodes, ends.map(([a, b]) => [names.indexOf(a), names.indexOf(b)]));

  const pad = 50;
  const xs = nodes.map((p) => p.x);
  const ys = nodes.map((p) => p.y);
  const [minX, minY] = [Math.min(...xs), Math.min(...ys)];
  const width = Math.max(...xs) - minX + 2 * pad;
  const height = Math.max(...ys) - minY + 2 * pad;
  const at = new Map(nodes.map((p) => [p.name, { x: p.x - minX + pad, y: p.y - minY + pad }]));

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.round(width)}" height="${Math.round(height)}" viewBox="0 0 ${Math.round(width)} ${Math.round(height)}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(spec.name)}</title>`,
  ];
  spec.links.forEach((l, i) => {
    const [a, b] = ends[i]!;
    const pa = at.get(a)!;
    const pb = at.get(b)!;
    out.push(`<line x1="${pa.x.toFixed(1)}" y1="${pa.y.toFixed(1)}" x2="${pb.x.toFixed(1)}" y2="${pb.y.toFixed(1)}" stroke="#90a4ae" stroke-width="2"/>`);
    const text = linkText(l);
    if (text) out.push(`<text x="${((pa.x + pb.x) / 2).toFixed(1)}" y="${((pa.y + pb.y) / 2 - 4).toFixed(1)}" text-anchor="middle" fill="#c62828">${esc(text)}</text>`);
    l.endpoints.forEach((e, j) => {
      const port = e.split(':')[1];
      if (port === undefined) return;
      const [p, q] = j === 0 ? [pa, pb] : [pb, pa];
      out.push(`<text x="${(p.x + (q.x - p.x) * 0.25).toFixed(1)}" y="${(p.y + (q.y - p.y) * 0.25).toFixed(1)}" text-anchor="middle" fill="#455a64">${esc(port)}</text>`);
    });
  });
  for (const p of nodes) {
    const { x, y } = at.get(p.name)!;
    const s = STYLE[p.kind];
    const dash = p.docker ? ' stroke-dasharray="4 2"' : '';
    out.push(
      p.kind === 'host'
        ? `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="16" fill="${s.fill}" stroke="${s.stroke}" stroke-width="2"${dash}/>`
        : `<rect x="${(x - 20).toFixed(1)}" y="${(y - 14).toFixed(1)}" width="40" height="28" rx="${p.kind === 'p4switch' ? 6 : 0}" fill="${s.fill}" stroke="${s.stroke}" stroke-width="2"/>`,
      `<text x="${x.toFixed(1)}" y="${(y + 4).toFixed(1)}" text-anchor="middle">${esc(p.name)}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
