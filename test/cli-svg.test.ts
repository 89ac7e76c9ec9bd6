/**
 * The rate-distortion plots are readable: legend names fit inside the
 * picture, x ticks are round and cover the bytes where most points lie,
 * points carry their bit width, each method has its own colour, and a line
 * never zig-zags between points at the same byte count. Checked on the SVG's
 * geometry, and on the rendered picture where rsvg-convert is installed
 * (.ci/run installs it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { bitsTag, rateDistortionChart, type RdPoint } from '../src/cli/report.js';
import { CHAR_WIDTH, logTicks } from '../src/cli/svg.js';

const dir = mkdtempSync(join(tmpdir(), 'slimfit-svg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Points shaped like `slimfit report`'s on a 45-feature scorecard: most between 19 and 57 bytes, 3- and 4-bit at equal bytes. */
function points(): RdPoint[] {
  const out: RdPoint[] = [];
  const add = (series: string, bits: number | null, bytes: number, metric: number) => out.push({ series, label: `${series} ${bitsTag(bits)}`, tag: bitsTag(bits), bytes, metric });
  for (const [series, drop] of [
    ['RTN', 0.004],
    ['RTN + magnitude 50% pruned', 0.01],
    ['RTN + magnitude 90% pruned', 0.06],
    ['GPTQ', 0.001],
    ['GPTQ + OBS 50% pruned', 0.003],
    ['GPTQ + OBS 90% pruned', 0.035],
  ] as const) {
    const pruned = series.includes('90%') ? 0.55 : series.includes('50%') ? 0.75 : 1;
    add(series, 8, Math.round(57 * pruned), 0.7469 - drop * 0.2);
    add(series, 4, Math.round(35 * pruned), 0.7469 - drop * 0.5);
    add(series, 3, Math.round(35 * pruned), 0.7469 - drop * 0.9);
    add(series, 2, Math.round(24 * pruned), 0.7469 - drop * 2);
  }
  add('magnitude prune 50% (float64 values kept)', null, 190, 0.737);
  return out;
}

const svg = rateDistortionChart('teacher-default.slim: AUC vs bytes', true, points(), 0.7469, '45 features, 4000 test rows');
const attr = (el: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(el);
  return m ? m[1] : undefined;
};

describe('rate-distortion plot geometry', () => {
  const [, W, H] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!.map(Number);
  const texts = [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].map((m) => ({ el: m[1], text: m[2], x: Number(attr(m[1], 'x')), y: Number(attr(m[1], 'y')) }));

  it('every legend name fits inside the picture', () => {
    const names = [...new Set(points().map((p) => p.series))];
    for (const name of names) {
      const t = texts.find((x) => x.text === name);
      expect(t, name).toBeDefined();
      expect(t!.x + CHAR_WIDTH * name.length, name).toBeLessThanOrEqual(W);
      expect(t!.y).toBeLessThan(H);
    }
  });

  it('x ticks are round, readable and cover the bytes where the points lie', () => {
    const axis = /<g text-anchor="middle">([\s\S]*?)<\/g>/.exec(svg)![1];
    const ticks = [...axis.matchAll(/<text x="([\d.]+)" y="[\d.]+">([^<]+)<\/text>/g)].map((m) => ({ x: Number(m[1]), v: Number(m[2]), label: m[2] }));
    expect(ticks.length).toBeGreaterThanOrEqual(5);
    for (const t of ticks) expect(+t.v.toPrecision(2), t.label).toBe(t.v);
    expect(ticks.filter((t) => t.v >= 19 && t.v <= 57).length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i].x - ticks[i - 1].x).toBeGreaterThanOrEqual(29.5);
  });

  it('log ticks stay round over narrow and wide spans', () => {
    expect(logTicks(22, 60, 0.08)).toEqual([25, 30, 40, 50, 60]);
    for (const [lo, hi] of [
      [23.5, 35.8],
      [3, 5000],
      [0.011, 0.019],
    ]) {
      const t = logTicks(lo, hi, 0.06);
      expect(t.length, `${lo}..${hi}`).toBeGreaterThanOrEqual(2);
      for (const v of t) expect(+v.toPrecision(2)).toBe(v);
    }
  });

  it('points carry their bit width; each method has its own colour; no line goes back or straight up', () => {
    for (const tag of ['2-bit', '3-bit', '4-bit', '8-bit', 'f64']) expect(texts.some((t) => t.text === tag), tag).toBe(true);
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"[^>]*stroke="([^"]+)"/g)];
    expect(lines.length).toBe(6);
    expect(new Set(lines.map((l) => l[2])).size).toBe(lines.length);
    for (const l of lines) {
      const xs = l[1].split(' ').map((pt) => Number(pt.split(',')[0]));
      for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1]);
    }
  });
});

/** The pixels of an 8-bit RGB / RGBA, non-interlaced PNG (what rsvg-convert writes). */
function decodePng(png: Buffer): { width: number; height: number; channels: number; pixels: Uint8Array } {
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const body = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[12] !== 0) throw new Error('only 8-bit non-interlaced PNGs');
      channels = body[9] === 6 ? 4 : body[9] === 2 ? 3 : 0;
      if (channels === 0) throw new Error(`PNG colour type ${body[9]}`);
    } else if (type === 'IDAT') idat.push(body);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i];
      const a = i >= channels ? pixels[y * stride + i - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
      const c = i >= channels && y > 0 ? pixels[(y - 1) * stride + i - channels] : 0;
      const pa = Math.abs(b - c);
      const pb = Math.abs(a - c);
      const pc = Math.abs(a + b - 2 * c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      pixels[y * stride + i] = (x + pred) & 255;
    }
  }
  return { width, height, channels, pixels };
}

const haveRsvg = spawnSync('rsvg-convert', ['--version']).status === 0;
if (!haveRsvg) console.log('cli-svg: rsvg-convert is not installed (apt-get install librsvg2-bin); the rendered-picture check is skipped');

describe.skipIf(!haveRsvg)('rate-distortion plot as rendered (rsvg-convert)', () => {
  it('has ink, and nothing touches the right or bottom edge (no legend or label cut off)', () => {
    writeFileSync(join(dir, 'plot.svg'), svg);
    execFileSync('rsvg-convert', [join(dir, 'plot.svg'), '-o', join(dir, 'plot.png')]);
    const { width, height, channels, pixels } = decodePng(readFileSync(join(dir, 'plot.png')));
    const [, W, H] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!.map(Number);
    expect([width, height]).toEqual([W, H]);
    const ink = (x: number, y: number) => {
      const k = (y * width + x) * channels;
      return pixels[k] < 200 || pixels[k + 1] < 200 || pixels[k + 2] < 200;
    };
    let inked = 0;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (ink(x, y)) inked++;
    expect(inked).toBeGreaterThan(0.01 * width * height);
    for (let y = 0; y < height; y++) for (let x = width - 4; x < width; x++) expect(ink(x, y), `ink at (${x}, ${y})`).toBe(false);
    for (let x = 0; x < width; x++) for (let y = height - 3; y < height; y++) expect(ink(x, y), `ink at (${x}, ${y})`).toBe(false);
  });
});
