// Draws the benchmark results as an SVG bar chart: requests per second, grouped by body size.

const COLORS = {
  'express-json': '#9aa5b1',
  violet: '#6b4fbb',
  octokit: '#e09f3e',
  receive: '#3d9970',
  floor: '#2b2d42',
  'octokit-http': '#f4d35e',
};

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** `results`: [{ size, rows: [{ kind, label, rps }] }]; returns the SVG text. */
export function barChart(results, title) {
  const barWidth = 56;
  const gap = 14;
  const groupGap = 60;
  const height = 260;
  const top = 50;
  const left = 40;
  const groupWidth = (rows) => rows.length * (barWidth + gap) - gap;
  const width =
    left * 2 + results.reduce((w, g) => w + groupWidth(g.rows) + groupGap, -groupGap) + 170;
  const parts = [];
  let x = left;
  for (const group of results) {
    const max = Math.max(...group.rows.map((r) => r.rps));
    group.rows.forEach((row, i) => {
      const h = Math.max(2, (row.rps / max) * height);
      const bx = x + i * (barWidth + gap);
      const by = top + height - h;
      parts.push(
        `<rect x="${bx}" y="${by.toFixed(1)}" width="${barWidth}" height="${h.toFixed(1)}" fill="${COLORS[row.kind] ?? '#888'}"/>`,
      );
      parts.push(
        `<text x="${bx + barWidth / 2}" y="${(by - 18).toFixed(1)}" text-anchor="middle" font-size="12">${Math.round(row.rps)}</text>`,
      );
      parts.push(
        `<text x="${bx + barWidth / 2}" y="${(by - 4).toFixed(1)}" text-anchor="middle" font-size="11" fill="#555">${row.vsExpressJson.toFixed(2)}x</text>`,
      );
    });
    parts.push(
      `<text x="${x + groupWidth(group.rows) / 2}" y="${top + height + 22}" text-anchor="middle" font-size="14" font-weight="bold">${escape(group.size)}</text>`,
    );
    x += groupWidth(group.rows) + groupGap;
  }
  const legend = results[0].rows.map((row, i) => {
    const ly = top + 10 + i * 22;
    return `<rect x="${x}" y="${ly}" width="14" height="14" fill="${COLORS[row.kind] ?? '#888'}"/><text x="${x + 20}" y="${ly + 12}" font-size="12">${escape(row.label)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + height + 40}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${left}" y="24" font-size="15" font-weight="bold">${escape(title)}</text>
${parts.join('\n')}
${legend.join('\n')}
</svg>
`;
}
