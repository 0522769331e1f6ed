// A small SVG line chart: the last N points of one or two series, scaled to the largest value shown.
const NS = 'http://www.w3.org/2000/svg';
const W = 300, H = 100, PAD = 14;

export class LineChart {
  constructor(svg, series, size = 60) {
    this.svg = svg;
    this.series = series.map(() => []);
    this.labels = series;
    this.size = size;
  }

  push(...values) {
    values.forEach((v, i) => {
      const s = this.series[i];
      s.push(Math.max(0, v));
      if (s.length > this.size) s.shift();
    });
    this.draw();
  }

  draw() {
    const max = Math.max(1, ...this.series.flat());
    this.svg.replaceChildren();
    const axis = document.createElementNS(NS, 'text');
    axis.setAttribute('x', 2);
    axis.setAttribute('y', 8);
    axis.textContent = format(max);
    this.svg.append(axis);
    this.series.forEach((s, i) => {
      const line = document.createElementNS(NS, 'polyline');
      const step = (W - PAD) / (this.size - 1);
      const offset = this.size - s.length;
      line.setAttribute('points', s.map((v, j) =>
        `${PAD + (offset + j) * step},${H - 2 - (v / max) * (H - 12)}`).join(' '));
      line.setAttribute('class', 's' + i);
      this.svg.append(line);
      const legend = document.createElementNS(NS, 'text');
      legend.setAttribute('x', W - 35 * this.series.length + i * 35);
      legend.setAttribute('y', 8);
      legend.setAttribute('class', 'legend');
      legend.textContent = `${this.labels[i]} ${format(s.length ? s[s.length - 1] : 0)}`;
      this.svg.append(legend);
    });
  }
}

export function format(n) {
  if (n >= 1e9) return (n / 1e9).toFixed(1) + 'G';
  if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M';
  if (n >= 1e4) return (n / 1e3).toFixed(1) + 'k';
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
