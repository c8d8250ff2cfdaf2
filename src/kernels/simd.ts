// A tiny WebAssembly module, assembled here byte by byte, that runs on the wasm backend's
// own memory with 128-bit SIMD. A plain JS loop for Adam's update (two divisions and a
// square root per element, in double precision) is slower than tfjs's 13 separate ops.
// Its functions: `adam` (Adam's update), `sumRows` (a sum over leading axes), `transpose`
// (4x4 blocks through shuffles; wasm's own Transpose copies element by element) and
// `addRows` (a bias added to every row).

/** The parts of the tfjs wasm backend's emscripten module that the SIMD module uses. */
interface EmscriptenModule {
  asm?: { memory?: WebAssembly.Memory };
  /** The threaded build creates its (shared) memory in JS and imports it. */
  wasmMemory?: WebAssembly.Memory;
}

/**
 * One Adam step over `bytes / 16` groups of four float32 values, all pointers being byte
 * offsets into the wasm heap: m1 = b1·m + c1·g, v1 = b2·v + c2·g², w1 = w + step·m1 / (√(v1·invD2) + eps).
 */
export type AdamSimd = (
  w: number, g: number, m: number, v: number, w1: number, m1: number, v1: number, bytes: number,
  b1: number, c1: number, b2: number, c2: number, step: number, invD2: number, eps: number,
) => void;

/**
 * dst[0 .. headBytes) = the sum of `rows` rows of src, `rowBytes` apart (byte offsets;
 * headBytes a multiple of 16).
 */
export type SumRowsSimd = (src: number, dst: number, rows: number, rowBytes: number, headBytes: number) => void;

/** dst (cols x rows) = the transpose of src (rows x cols); rows and cols multiples of 4. */
export type TransposeSimd = (src: number, dst: number, rows: number, cols: number) => void;

/**
 * For each of `rows` rows, `rowBytes` apart in src and dst: dst[0 .. headBytes) = src +
 * bias[0 .. headBytes) (byte offsets; headBytes a multiple of 16). A bias added to every row.
 */
export type AddRowsSimd = (src: number, bias: number, dst: number, rows: number, rowBytes: number, headBytes: number) => void;

/** The module's functions, bound to one wasm heap. */
export interface SimdOps {
  adam: AdamSimd;
  sumRows: SumRowsSimd;
  transpose: TransposeSimd;
  addRows: AddRowsSimd;
}

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(text: string): number[] {
  return [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
}

const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const get = (i: number): number[] => [0x20, i];
const set = (i: number): number[] => [0x21, i];
const load = [...simd(0x00), 2, 0]; // v128.load align=4 bytes, offset 0
const store = [...simd(0x0b), 2, 0];
const splat = simd(0x13);
const sqrt = simd(0xe3);
const add = simd(0xe4);
const mul = simd(0xe6);
const div = simd(0xe7);
const i32Add = [0x6a];

// Parameters 0-6: w g m v w1 m1 v1 (i32), 7: bytes (i32), 8-14: b1 c1 b2 c2 step invD2 eps (f32).
// Locals: 15 i (i32); 16-22 the f32 parameters splatted; 23 g; 24 m1; 25 v1 (v128).
const I = 15;
const at = (pointer: number): number[] => [...get(pointer), ...get(I), ...i32Add];

function adamBody(): number[] {
  const code: number[] = [];
  for (let k = 0; k < 7; k++) code.push(...get(8 + k), ...splat, ...set(16 + k));
  const [B1, C1, B2, C2, STEP, INV, EPS, G, M1, V1] = [16, 17, 18, 19, 20, 21, 22, 23, 24, 25];
  code.push(0x02, 0x40, 0x03, 0x40); // block, loop
  code.push(...get(I), ...get(7), 0x4f, 0x0d, 1); // if i >= bytes: break
  code.push(...at(1), ...load, ...set(G));
  code.push(...at(2), ...load, ...get(B1), ...mul, ...get(G), ...get(C1), ...mul, ...add, ...set(M1));
  code.push(...at(3), ...load, ...get(B2), ...mul, ...get(G), ...get(G), ...mul, ...get(C2), ...mul, ...add, ...set(V1));
  code.push(...at(5), ...get(M1), ...store);
  code.push(...at(6), ...get(V1), ...store);
  code.push(...at(4), ...at(0), ...load);
  code.push(...get(STEP), ...get(M1), ...mul, ...get(V1), ...get(INV), ...mul, ...sqrt, ...get(EPS), ...add, ...div, ...add, ...store);
  code.push(...get(I), 0x41, 0x10, ...i32Add, ...set(I)); // i += 16
  code.push(0x0c, 0, 0x0b, 0x0b, 0x0b); // br loop; end loop; end block; end function
  const locals = [2, 1, I32, 10, V128];
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

const i32Const = (value: number): number[] => [0x41, value]; // 0 <= value < 64
const geU = [0x4f];

/** `while (local < limit) { body; local += step }` */
function countedLoop(local: number, limit: number, step: number, body: number[]): number[] {
  return [0x02, 0x40, 0x03, 0x40, ...get(local), ...get(limit), ...geU, 0x0d, 1, ...body, ...get(local), ...i32Const(step), ...i32Add, ...set(local), 0x0c, 0, 0x0b, 0x0b];
}

// Parameters 0 src, 1 dst, 2 rows, 3 rowBytes, 4 headBytes; locals 5 r, 6 j, 7 row pointer (i32).
function sumRowsBody(): number[] {
  const [SRC, DST, ROWS, ROW_BYTES, HEAD, R, J, P] = [0, 1, 2, 3, 4, 5, 6, 7];
  const zero = [0x43, 0, 0, 0, 0, ...splat]; // f32.const 0, splat
  const addRow = [...get(DST), ...get(J), ...i32Add, ...get(DST), ...get(J), ...i32Add, ...load, ...get(P), ...get(J), ...i32Add, ...load, ...add, ...store];
  const code = [
    ...countedLoop(J, HEAD, 16, [...get(DST), ...get(J), ...i32Add, ...zero, ...store]),
    ...get(SRC), ...set(P),
    ...countedLoop(R, ROWS, 1, [...i32Const(0), ...set(J), ...countedLoop(J, HEAD, 16, addRow), ...get(P), ...get(ROW_BYTES), ...i32Add, ...set(P)]),
    0x0b,
  ];
  const locals = [1, 3, I32];
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

// Parameters 0 src, 1 bias, 2 dst, 3 rows, 4 rowBytes, 5 headBytes; locals 6 r, 7 j,
// 8 source row pointer, 9 destination row pointer (i32).
function addRowsBody(): number[] {
  const [SRC, BIAS, DST, ROWS, ROW_BYTES, HEAD, R, J, P, Q] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const addBias = [...get(Q), ...get(J), ...i32Add, ...get(P), ...get(J), ...i32Add, ...load, ...get(BIAS), ...get(J), ...i32Add, ...load, ...add, ...store];
  const next = (pointer: number): number[] => [...get(pointer), ...get(ROW_BYTES), ...i32Add, ...set(pointer)];
  const code = [
    ...get(SRC), ...set(P),
    ...get(DST), ...set(Q),
    ...countedLoop(R, ROWS, 1, [...i32Const(0), ...set(J), ...countedLoop(J, HEAD, 16, addBias), ...next(P), ...next(Q)]),
    0x0b,
  ];
  const locals = [1, 4, I32];
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

/** i8x16.shuffle picking float lanes (0-3 from the first operand, 4-7 from the second). */
function shuffle(lanes: [number, number, number, number]): number[] {
  return [...simd(0x0d), ...lanes.flatMap((f) => [4 * f, 4 * f + 1, 4 * f + 2, 4 * f + 3])];
}

// Parameters 0 src, 1 dst, 2 rows, 3 cols; locals 4 i, 5 j, 6 a, 7 d, 8-10 src row strides
// x1 x2 x3, 11-13 dst row strides (i32); 14-17 four source rows, 18-21 their interleavings (v128).
function transposeBody(): number[] {
  const [SRC, DST, ROWS, COLS, I, J, A, D] = [0, 1, 2, 3, 4, 5, 6, 7];
  const RS = [8, 9, 10];
  const DS = [11, 12, 13];
  const R = [14, 15, 16, 17];
  const T = [18, 19, 20, 21];
  const mulI32 = [0x6c];
  const shl2 = [...i32Const(2), 0x74];
  const strides = (count: number, out: number[]): number[] => [
    ...get(count), ...shl2, ...set(out[0]),
    ...get(out[0]), ...get(out[0]), ...i32Add, ...set(out[1]),
    ...get(out[1]), ...get(out[0]), ...i32Add, ...set(out[2]),
  ];
  const address = (base: number, outer: number, size: number, inner: number): number[] => [
    ...get(base), ...get(outer), ...get(size), ...mulI32, ...get(inner), ...i32Add, ...shl2, ...i32Add,
  ];
  const loadRow = (k: number): number[] => [...get(A), ...(k === 0 ? [] : [...get(RS[k - 1]), ...i32Add]), ...load, ...set(R[k])];
  const storeRow = (k: number, value: number[]): number[] => [...get(D), ...(k === 0 ? [] : [...get(DS[k - 1]), ...i32Add]), ...value, ...store];
  const low: [number, number, number, number] = [0, 4, 1, 5];
  const high: [number, number, number, number] = [2, 6, 3, 7];
  const block = [
    ...address(SRC, I, COLS, J), ...set(A),
    ...address(DST, J, ROWS, I), ...set(D),
    ...loadRow(0), ...loadRow(1), ...loadRow(2), ...loadRow(3),
    ...get(R[0]), ...get(R[1]), ...shuffle(low), ...set(T[0]),
    ...get(R[0]), ...get(R[1]), ...shuffle(high), ...set(T[1]),
    ...get(R[2]), ...get(R[3]), ...shuffle(low), ...set(T[2]),
    ...get(R[2]), ...get(R[3]), ...shuffle(high), ...set(T[3]),
    ...storeRow(0, [...get(T[0]), ...get(T[2]), ...shuffle([0, 1, 4, 5])]),
    ...storeRow(1, [...get(T[0]), ...get(T[2]), ...shuffle([2, 3, 6, 7])]),
    ...storeRow(2, [...get(T[1]), ...get(T[3]), ...shuffle([0, 1, 4, 5])]),
    ...storeRow(3, [...get(T[1]), ...get(T[3]), ...shuffle([2, 3, 6, 7])]),
  ];
  const code = [
    ...strides(COLS, RS),
    ...strides(ROWS, DS),
    ...countedLoop(I, ROWS, 4, [...i32Const(0), ...set(J), ...countedLoop(J, COLS, 4, block)]),
    0x0b,
  ];
  const locals = [2, 10, I32, 8, V128];
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

function funcType(params: number[]): number[] {
  return [0x60, ...uleb(params.length), ...params, 0];
}

/** A shared memory (the threaded build's) must be imported as shared, with tfjs's 4 GiB maximum (65536 pages). */
function moduleBytes(shared = false): Uint8Array {
  const limits = shared ? [0x03, 0x00, 0x80, 0x80, 0x04] : [0x00, 0x00];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [4, ...funcType([...Array(8).fill(I32), ...Array(7).fill(F32)]), ...funcType(Array(5).fill(I32)), ...funcType(Array(4).fill(I32)), ...funcType(Array(6).fill(I32))]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, ...limits]),
    ...section(3, [4, 0, 1, 2, 3]),
    ...section(7, [4, ...name('adam'), 0x00, 0, ...name('sumRows'), 0x00, 1, ...name('transpose'), 0x00, 2, ...name('addRows'), 0x00, 3]),
    ...section(10, [4, ...adamBody(), ...sumRowsBody(), ...transposeBody(), ...addRowsBody()]),
  ]);
}

const instances = new WeakMap<WebAssembly.Memory, SimdOps | null>();

/**
 * The SIMD functions bound to the wasm backend's memory, or undefined where this
 * WebAssembly has no SIMD or the backend's memory cannot be reached (callers then use JS).
 */
export function simdOps(wasmModule: unknown): SimdOps | undefined {
  const module = wasmModule as EmscriptenModule;
  const memory = module.asm?.memory ?? module.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) return undefined;
  let ops = instances.get(memory);
  if (ops === undefined) {
    try {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(memory.buffer instanceof SharedArrayBuffer) as unknown as ArrayBuffer), { env: { memory } });
      const { adam, sumRows, transpose, addRows } = instance.exports;
      ops = { adam: adam as AdamSimd, sumRows: sumRows as SumRowsSimd, transpose: transpose as TransposeSimd, addRows: addRows as AddRowsSimd };
    } catch {
      ops = null;
    }
    instances.set(memory, ops);
  }
  return ops ?? undefined;
}

/** The module's bytes, for tests. */
export const SIMD_MODULE_BYTES = moduleBytes;
