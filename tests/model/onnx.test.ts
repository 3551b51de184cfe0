// ONNX import against PyTorch: models exported by torch.onnx.export (tests/fixtures/onnx, made by
// scripts/fixtures/onnx_fixtures.py) must give PyTorch's outputs on real MNIST digits, on the SIMD engine and on
// TensorFlow.js; graphs the engine cannot run, and broken files, must be refused with a clear message.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/model/format.ts';
import { loadModelFromFile } from '../../src/model/load-node.ts';
import { parseOnnx } from '../../src/model/onnx.ts';
import { onnx } from '../../src/model/onnx-read.ts';
import type { LoadedModel } from '../../src/model/spec.ts';
import { createSimdEngineNode } from '../../src/engines/simd-node.ts';
import { TfjsEngine } from '../../src/engines/tfjs.ts';
import type { InferenceEngine, Prediction } from '../../src/engines/types.ts';
import { digit } from '../helpers/digits.ts';
import { rng } from '../helpers/random.ts';

const DIR = new URL('../fixtures/onnx/', import.meta.url).pathname;
interface Fixture { file: string; opset?: number; input: 'nchw' | 'nhw' | 'flat'; output: 'logits' | 'softmax' | 'log_softmax'; outputs: number[][] }
const EXPECTED: { digits: number[]; models: Record<string, Fixture> } = JSON.parse(readFileSync(`${DIR}expected.json`, 'utf8'));
const bytes = (name: string) => new Uint8Array(readFileSync(`${DIR}${name}`));

/** What the fixture's PyTorch output is, from our prediction (LogSoftmax is read as softmax: see onnx.ts). */
function ours(p: Prediction, kind: Fixture['output']): Float32Array {
  if (kind === 'softmax') return p.probs;
  if (kind === 'logits') return p.logits;
  // log_softmax from the logits, in float64
  const max = Math.max(...p.logits);
  const lse = max + Math.log(p.logits.reduce((s, v) => s + Math.exp(v - max), 0));
  return p.logits.map((v) => v - lse);
}

describe('ONNX import: PyTorch exports give PyTorch outputs', () => {
  let engines: [string, InferenceEngine][];
  const models = new Map<string, LoadedModel>();
  beforeAll(async () => {
    engines = [['simd', await createSimdEngineNode()], ['tfjs-cpu', await TfjsEngine.create({ backend: 'cpu' })]];
    for (const [name, f] of Object.entries(EXPECTED.models)) {
      const model = await loadModelFromFile(`${DIR}${f.file}`);
      models.set(name, model);
      for (const [, e] of engines) await e.load(name, model);
    }
  });

  const cases: [string, string][] = [
    ['mlp_nchw', "the notebook's tanh MLP, NCHW input [N,1,28,28], Flatten + Gemm, opset 14"],
    ['mlp_flat_opset9', 'the tanh MLP on flat input [N,784], LogSoftmax, opset 9'],
    ['cnn_opset17', "conv 'same' 3×3, conv 'valid' 5×5, conv stride 2, view() flatten, Softmax, opset 17"],
    ['cnn_dynamic_batch', 'the same CNN with a dynamic batch (Shape → Gather → Unsqueeze → Concat → Reshape), opset 13'],
    ['matmul_add', 'Linear on a 3-D input: Reshape, MatMul + Add, Sigmoid, opset 13'],
    ['cnn_bn_dropout', 'trained CNN with BatchNorm (2-D and 1-D, folded) and Dropout in eval mode, opset 11'],
    ['norm_mlp_nhw', 'input [N,28,28] normalised in the model ((x − 0.1307) / 0.3081, folded), view(-1, 784), opset 14'],
    ['norm_cnn_valid', "x·2 − 1 in the model, folded into a 'valid' conv, torch.flatten, opset 17"],
    ['lenet_avgpool', "d2l's LeNet: 'same' 5×5 conv, sigmoid, AvgPool2d(2), opset 14"],
    ['cnn_pad_pool_leaky', 'trained: Conv(stride 2, padding 1), Conv(5×5, padding 2), MaxPool2d(3, 2), Conv(3×3, padding 2), AvgPool2d(2), LeakyReLU(0.1), opset 17'],
    ['cnn_odd_pools', 'MaxPool2d(2) on 25×25 (floor), ZeroPad2d((1, 0, 2, 1)), Conv(stride 2, padding (0, 1)), padded AvgPool2d(3, 2), MaxPool2d(3, 1), opset 13'],
    ['leaky_relu_mlp', 'Linear, LeakyReLU(0.1), Linear, opset 14'],
    ['avgpool_padded', 'AvgPool2d(3, stride 2, padding 1) (a Pad and an AveragePool), opset 14'],
    ['conv_stride2_pad1', 'Conv(3×3, stride 2, padding 1) on 28×28: pads the top row, opset 14'],
    ['elu_cnn', 'Conv(stride 2), ELU, Linear, ELU (fused into the layers before them), opset 14'],
    ['global_avgpool', 'AdaptiveAvgPool2d(1) (GlobalAveragePool) before the classifier, opset 13'],
    ['examples_mnist', "pytorch/examples' MNIST net (narrower): two 'valid' convs, pool, dropouts, LogSoftmax, opset 15"],
    ['keras_cnn', 'a Keras Sequential model in the TensorFlow.js converter layout (model.json), PyTorch weights'],
  ];
  for (const [name, what] of cases) {
    for (const engine of ['simd', 'tfjs-cpu']) {
      it(`${name} (${what}) on ${engine}: outputs within 1e-4 of PyTorch's on ${EXPECTED.digits.length} test digits`, async () => {
        const f = EXPECTED.models[name];
        const e = engines.find(([k]) => k === engine)![1];
        for (const [k, index] of EXPECTED.digits.entries()) {
          const got = ours(await e.predict(name, digit(index)), f.output);
          const want = f.outputs[k];
          expect(got.length).toBe(want.length);
          const diff = Math.max(...want.map((v, i) => Math.abs(v - got[i])));
          expect(diff, `digit ${index}`).toBeLessThan(1e-4);
        }
      });
    }
  }

  it('layer names come from the ONNX node names; BN, Dropout and activations leave no layer of their own', () => {
    const layers = (n: string) => models.get(n)!.spec.layers.map((l) => `${l.name}:${l.kind}${'activation' in l ? `:${l.activation}` : ''}`);
    expect(layers('cnn_bn_dropout')).toEqual([
      '0_Conv:Conv2D:relu', '3_MaxPool:MaxPooling2D', '4_Conv:Conv2D:relu', '7_MaxPool:MaxPooling2D',
      '8_Flatten:Flatten', '10_Gemm:Dense:relu', '14_Gemm:Dense:linear',
    ]);
    expect(layers('cnn_opset17')).toEqual([
      'conv1_Conv:Conv2D:relu', 'MaxPool:MaxPooling2D', 'conv2_Conv:Conv2D:relu', 'conv3_Conv:Conv2D:relu',
      'Reshape:Flatten', 'fc_Gemm:Dense:softmax',
    ]);
    const cnn = models.get('cnn_opset17')!.spec.layers;
    expect(cnn.map((l) => (l.kind === 'Conv2D' ? `${l.kernelSize}/${l.strides}/${l.padding}` : ''))).toEqual(
      ['3,3/1/same', '', '5,5/1/valid', '3,3/2/valid', '', ''],
    );
    expect(layers('lenet_avgpool')).toEqual([
      '0_Conv:Conv2D:sigmoid', '2_AveragePool:AveragePooling2D', '3_Conv:Conv2D:sigmoid', '5_AveragePool:AveragePooling2D',
      '6_Flatten:Flatten', '7_Gemm:Dense:sigmoid', '9_Gemm:Dense:sigmoid', '11_Gemm:Dense:linear',
    ]);
    // Pads that are neither 'valid' nor TensorFlow's 'same' become a ZeroPadding2D layer before a 'valid' conv.
    const ppl = models.get('cnn_pad_pool_leaky')!.spec.layers;
    expect(ppl.map((l) => l.kind)).toEqual([
      'ZeroPadding2D', 'Conv2D', 'LeakyReLU', 'Conv2D', 'MaxPooling2D', 'ZeroPadding2D', 'Conv2D', 'LeakyReLU',
      'AveragePooling2D', 'Flatten', 'Dense',
    ]);
    expect(ppl[0]).toEqual({ kind: 'ZeroPadding2D', name: '0_Conv_pad', padding: [[1, 1], [1, 1]] });
    expect(ppl[1]).toMatchObject({ name: '0_Conv', strides: 2, padding: 'valid' });
    expect(ppl[2]).toMatchObject({ name: '1_LeakyRelu', alpha: expect.closeTo(0.1, 7) });
    expect(ppl[3]).toMatchObject({ kernelSize: [5, 5], padding: 'same' }); // padding=2 at stride 1 is 'same'
    expect(ppl[4]).toMatchObject({ poolSize: [3, 3], strides: [2, 2] });
    expect(ppl[5]).toMatchObject({ padding: [[2, 2], [2, 2]] }); // padding=2 with a 3×3 kernel is not 'same'
    expect(ppl[8]).toEqual({ kind: 'AveragePooling2D', name: '7_AveragePool' });
    const odd = models.get('cnn_odd_pools')!.spec.layers;
    expect(odd.filter((l) => l.kind === 'ZeroPadding2D').map((l) => 'padding' in l && l.padding)).toEqual([
      [[2, 1], [1, 0]], // ZeroPad2d((left 1, right 0, top 2, bottom 1))
      [[0, 0], [1, 1]], // Conv2d(padding=(0, 1))
      [[1, 1], [1, 1]], // AvgPool2d(padding=1), count_include_pad: zeros the average counts
    ]);
    expect(models.get('mlp_flat_opset9')!.spec.inputShape).toEqual([784]);
    expect(models.get('mlp_nchw')!.spec.inputShape).toEqual([28, 28, 1]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Graphs edited from a real export, for the cases the exporter does not write by itself.

/** The decoded mlp_nchw export (Flatten, Gemm, Tanh, Gemm, Tanh, Gemm), to edit. */
const mlpProto = () => onnx.ModelProto.decode(bytes('mlp_nchw.onnx'));
/** The decoded graph with its repeated fields typed as present (protobufjs decodes them as arrays, maybe empty). */
const graph = (m: onnx.ModelProto) => m.graph as onnx.GraphProto & { node: onnx.NodeProto[]; input: onnx.ValueInfoProto[]; initializer: onnx.TensorProto[] };
const encode = (m: onnx.ModelProto) => onnx.ModelProto.encode(m).finish();
const node = (name: string, opType: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = []) =>
  onnx.NodeProto.create({ name, opType, input, output, attribute });
const logitsOf = async (m: LoadedModel, x = digit(0)) => {
  const e = await createSimdEngineNode();
  await e.load('m', m);
  return (await e.predict('m', x)).logits;
};

/** Expects parseOnnx to refuse with a ModelFormatError whose message matches. */
function refuses(data: Uint8Array, message: RegExp): void {
  let err: unknown;
  try {
    parseOnnx(data);
  } catch (e) {
    err = e;
  }
  expect(err, 'should have been refused').toBeInstanceOf(ModelFormatError);
  expect((err as Error).message).toMatch(message);
}

describe('ONNX import: edited graphs', () => {
  it('Identity and Dropout are dropped: same logits as without them', async () => {
    const m = mlpProto();
    const nodes = graph(m).node;
    // Insert Identity and Dropout (opset 12+ form, with a constant training_mode=false) after the first Tanh.
    const tanh = nodes.findIndex((n) => n.opType === 'Tanh');
    const t = nodes[tanh].output[0];
    graph(m).initializer.push(onnx.TensorProto.create({ name: 'train', dataType: onnx.TensorProto.DataType.BOOL, dims: [], rawData: new Uint8Array([0]) }));
    nodes.splice(tanh + 1, 0, node('id', 'Identity', [t], ['t1']), node('drop', 'Dropout', ['t1', '', 'train'], ['t2', 'mask']));
    nodes[tanh + 3].input[0] = 't2';
    const edited = parseOnnx(encode(m));
    expect(edited.spec.layers.map((l) => l.kind)).toEqual(['Flatten', 'Dense', 'Dense', 'Dense']);
    expect(await logitsOf(edited)).toEqual(await logitsOf(parseOnnx(bytes('mlp_nchw.onnx'))));
  });

  it('weights given by Constant nodes instead of initializers', async () => {
    const m = mlpProto();
    const inits = graph(m).initializer.splice(0);
    graph(m).node.unshift(...inits.map((t) => node(`const_${t.name}`, 'Constant', [], [t.name!], [
      { name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t },
    ])));
    expect(await logitsOf(parseOnnx(encode(m)))).toEqual(await logitsOf(parseOnnx(bytes('mlp_nchw.onnx'))));
  });

  it('Gemm alpha and beta scale the kernel and the bias', async () => {
    const m = mlpProto();
    const last = graph(m).node.at(-1)!;
    const f = (name: string, v: number) => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v });
    last.attribute = [...(last.attribute ?? []).filter((a) => a.name === 'transB'), f('alpha', 2), f('beta', 0.5)];
    const base = parseOnnx(bytes('mlp_nchw.onnx'));
    const scaled = parseOnnx(encode(m));
    const [k0, k1] = [base.params.get('5_Gemm')!, scaled.params.get('5_Gemm')!];
    expect(Array.from(k1.kernel)).toEqual(Array.from(k0.kernel, (v) => Math.fround(2 * v)));
    expect(Array.from(k1.bias!)).toEqual(Array.from(k0.bias!, (v) => Math.fround(0.5 * v)));
  });
});

describe('ONNX import: conv strides past 2', () => {
  it('Conv with stride 3, edited from a real export: the SIMD engine gives what TensorFlow.js gives', async () => {
    const m = onnx.ModelProto.decode(bytes('conv_stride2_pad1.onnx'));
    const conv = graph(m).node.find((n) => n.opType === 'Conv')!;
    const ints = onnx.AttributeProto.AttributeType.INTS;
    conv.attribute = (conv.attribute ?? []).map((a) => (a.name === 'strides' ? { ...a, type: ints, ints: [3, 3] } : a.name === 'pads' ? { ...a, type: ints, ints: [1, 1, 1, 1] } : a)) as onnx.AttributeProto[];
    // Pads 1 all round at stride 3 on 28: 10 × 10, what TensorFlow's 'same' computes; 200 features for the Linear.
    const gemm = graph(m).initializer.find((t) => t.dims?.length === 2)!;
    const r = rng(5);
    Object.assign(gemm, { dims: [10, 200], rawData: new Uint8Array(Float32Array.from({ length: 2000 }, () => r() - 0.5).buffer) });
    const model = parseOnnx(encode(m));
    expect(model.spec.layers[0]).toMatchObject({ kind: 'Conv2D', strides: 3, padding: 'same' });
    const tfjs = await TfjsEngine.create({ backend: 'cpu' });
    await tfjs.load('m', model);
    const want = (await tfjs.predict('m', digit(3))).logits;
    const got = await logitsOf(model, digit(3));
    expect(Math.max(...want.map((v, i) => Math.abs(v - got[i])))).toBeLessThan(1e-5);
    expect(Math.max(...got.map(Math.abs))).toBeGreaterThan(0.05);
  });
});

describe('ONNX import: clear refusals', () => {
  const SUPPORTED = /supported: Gemm, MatMul, Add, Conv/;

  it('real exports the engine cannot run: padded or ceil-mode MaxPool, AvgPool excluding its pads, SELU, a shift before a padded conv', () => {
    refuses(bytes('refuse_maxpool_padded.onnx'), /^ONNX node '\/2\/MaxPool': MaxPool with pads \[1,1,1,1\] is not supported \(it pads with −∞/);
    refuses(bytes('refuse_maxpool_ceil.onnx'), /^ONNX node '\/1\/MaxPool': MaxPool with ceil_mode=1 on 25×25 adds a partial window/);
    refuses(bytes('refuse_avgpool_exclude_pad.onnx'), /^ONNX node '\/2\/AveragePool': AveragePool with pads \[1,1,1,1\] and count_include_pad=0 is not supported/);
    refuses(bytes('refuse_selu.onnx'), /^ONNX node '\/2\/Selu': op Selu is not supported \(the engine has no selu activation\); supported: Gemm, .*LeakyRelu, Elu/);
    refuses(bytes('refuse_norm_padded_conv.onnx'), /ONNX node '\/conv\/Conv': input normalisation \(a shift\) before a padded Conv cannot be folded/);
  });

  it('Pad that is not zeros on rows and columns', () => {
    const pad = (pads: number[], mode = 'constant') => {
      const m = onnx.ModelProto.decode(bytes('conv_stride2_pad1.onnx'));
      const nodes = graph(m).node;
      graph(m).initializer.push(onnx.TensorProto.create({ name: 'pads', dims: [8], dataType: onnx.TensorProto.DataType.INT64, int64Data: pads }));
      const s = onnx.AttributeProto.AttributeType.STRING;
      nodes.unshift(node('p', 'Pad', ['input', 'pads'], ['padded'], [{ name: 'mode', type: s, s: new TextEncoder().encode(mode) }]));
      nodes[1].input[0] = 'padded';
      return encode(m);
    };
    refuses(pad([0, 0, 1, 1, 0, 0, 1, 1], 'reflect'), /ONNX node 'p': only zero padding is supported \(Pad mode reflect/);
    refuses(pad([0, 1, 0, 0, 0, 0, 0, 0]), /ONNX node 'p': Pad \[0,1,0,0,0,0,0,0\] pads the batch or the channels/);
    refuses(pad([0, 0, -1, 0, 0, 0, 0, 0]), /ONNX node 'p': Pad .* crops/);
    // Zero padding of the input itself is a layer: the conv after it then sees a 30×30 image, so its Linear no longer fits.
    refuses(pad([0, 0, 1, 1, 0, 0, 1, 1]), /B has shape \[10,392\] but the input has 450 features/);
  });

  it('an unsupported op names itself and its node', () => {
    const m = mlpProto();
    graph(m).node[2].opType = 'LSTM';
    graph(m).node[2].name = 'Conv_3';
    refuses(encode(m), /^ONNX node 'Conv_3': op LSTM is not supported; supported: Gemm/);
    expect(() => parseOnnx(encode(m))).toThrow(SUPPORTED);
  });

  it('several inputs', () => {
    const m = mlpProto();
    graph(m).input.push(onnx.ValueInfoProto.create({ name: 'mask', type: graph(m).input[0].type }));
    refuses(encode(m), /the graph has 2 inputs \(input, mask\); an image classifier has one/);
  });

  it('an input that is not 28×28', () => {
    const m = mlpProto();
    graph(m).input[0].type!.tensorType!.shape!.dim![2].dimValue = 32;
    refuses(encode(m), /input input is \[1,1,32,28\]; expected \[N,1,28,28\] \(an MNIST image, NCHW\), \[N,28,28\] or \[N,784\]/);
    const rgb = mlpProto();
    graph(rgb).input[0].type!.tensorType!.shape!.dim![1].dimValue = 3;
    refuses(encode(rgb), /input input is \[1,3,28,28\]/);
    const flat = mlpProto();
    flat.graph!.input![0].type!.tensorType!.shape!.dim!.splice(1, 2); // [1, 28]
    refuses(encode(flat), /input input is \[1,28\]/);
  });

  it('weights in an external data file', () => {
    const m = mlpProto();
    const t = graph(m).initializer[0];
    t.rawData = new Uint8Array();
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = [onnx.StringStringEntryProto.create({ key: 'location', value: 'model.onnx.data' })];
    refuses(encode(m), /tensor 1.weight is stored in an external data file/);
  });

  it('a graph that branches (a residual connection) is not a chain', () => {
    const m = mlpProto();
    const nodes = graph(m).node;
    const tanh = nodes.findIndex((n) => n.opType === 'Tanh');
    const t = nodes[tanh].output[0];
    nodes.splice(tanh + 1, 0, node('res', 'Add', [t, t], ['sum']));
    nodes[tanh + 2].input[0] = 'sum';
    refuses(encode(m), /ONNX node 'res'.*(feeds several nodes|only as the bias)/);
  });

  it('BatchNormalization that does not follow a conv or dense', () => {
    const m = mlpProto();
    const nodes = graph(m).node;
    const tanh = nodes.findIndex((n) => n.opType === 'Tanh');
    const stats = ['g', 'b', 'm', 'v'].map((name) => onnx.TensorProto.create({ name, dims: [32], dataType: 1, floatData: new Array(32).fill(1) }));
    graph(m).initializer.push(...stats);
    nodes.splice(tanh + 1, 0, node('bn', 'BatchNormalization', [nodes[tanh].output[0], 'g', 'b', 'm', 'v'], ['bn_out']));
    nodes[tanh + 2].input[0] = 'bn_out';
    refuses(encode(m), /ONNX node 'bn': BatchNormalization can be folded only right after a Conv, Gemm or MatMul/);
  });

  it('a Transpose that moves data', () => {
    const m = mlpProto();
    const nodes = graph(m).node;
    nodes.unshift(node('t', 'Transpose', ['input'], ['tr'], [{ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 1, 3, 2] }]));
    nodes[1].input[0] = 'tr';
    refuses(encode(m), /ONNX node 't': Transpose \[0,1,3,2\] .* moves data/);
  });

  it('Sub / Mul / Div / Add anywhere but input normalisation by a scalar', () => {
    const m = mlpProto();
    const nodes = graph(m).node;
    const tanh = nodes.findIndex((n) => n.opType === 'Tanh');
    graph(m).initializer.push(onnx.TensorProto.create({ name: 'two', dims: [], dataType: 1, floatData: [2] }));
    nodes.splice(tanh + 1, 0, node('scale', 'Mul', [nodes[tanh].output[0], 'two'], ['scaled']));
    nodes[tanh + 2].input[0] = 'scaled';
    refuses(encode(m), /ONNX node 'scale': Mul is supported only as the bias of the layer before it, or as input normalisation/);
    // A per-pixel (not scalar) normalisation at the input
    const p = mlpProto();
    graph(p).initializer.push(onnx.TensorProto.create({ name: 'mean', dims: [1, 1, 28, 28], dataType: 1, floatData: new Array(784).fill(0.1) }));
    graph(p).node.unshift(node('sub', 'Sub', ['input', 'mean'], ['centred']));
    graph(p).node[1].input[0] = 'centred';
    refuses(encode(p), /ONNX node 'sub': Sub is supported only/);
  });

  it('an opset outside 9–18, and a custom-domain op', () => {
    const old = mlpProto();
    old.opsetImport[0].version = 7;
    refuses(encode(old), /opset 7 is not supported \(9 to 18/);
    const custom = mlpProto();
    graph(custom).node[1].domain = 'com.microsoft';
    refuses(encode(custom), /op com\.microsoft\.Gemm is not supported \(custom domain\)/);
  });

  it('not ONNX: empty, JSON, PNG, text, random bytes', () => {
    refuses(new Uint8Array(), /the file is empty/);
    refuses(readFileSync(`${DIR}keras_cnn/model.json`), /not an ONNX file \(it starts with "\{"/);
    refuses(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /not an ONNX model/);
    refuses(new TextEncoder().encode('hello, this is not a model\n'), /not an ONNX model/);
    const r = rng(3);
    for (let k = 0; k < 50; k++) refuses(Uint8Array.from({ length: 64 + k * 37 }, () => Math.floor(r() * 256)), /^ONNX/);
  });

  it('truncated at any point: a clear error, never a crash or a hang', () => {
    const full = bytes('cnn_opset17.onnx');
    for (let len = 1; len < full.length; len += 97) refuses(full.subarray(0, len), /^ONNX/);
    refuses(full.subarray(0, full.length - 1), /^ONNX/);
  });

  it('corrupted bytes: either a model or a ModelFormatError, nothing else', () => {
    const full = bytes('cnn_opset17.onnx');
    const r = rng(11);
    let refused = 0;
    for (let k = 0; k < 300; k++) {
      const copy = full.slice();
      for (let j = 0; j < 4; j++) copy[Math.floor(r() * copy.length)] = Math.floor(r() * 256);
      try {
        parseOnnx(copy);
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(ModelFormatError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('a missing file names itself', async () => {
    await expect(loadModelFromFile(`${DIR}nope.onnx`)).rejects.toThrow(/ONNX: cannot read .*nope\.onnx \(ENOENT\)/);
  });
});
