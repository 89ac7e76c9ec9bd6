/**
 * The typed surface of the generated ONNX encoder (onnx-proto.ts): the
 * messages slimfit writes, as plain objects with protobufjs's camelCase field
 * names, and one function that serialises a model. Field numbers and enum
 * values are onnx/onnx's (see onnx.proto beside this file).
 */
import { onnx } from './onnx-proto.js';

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT64: 7, DOUBLE: 11, UINT4: 21, INT4: 22 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values used here (every attribute slimfit writes is an int). */
export const AttributeType = { INT: 2 } as const;

export interface TensorMsg {
  name: string;
  dims: number[];
  dataType: DataTypeCode;
  /** Little-endian fixed-width elements; 4-bit types two per byte, the first element in the low nibble. */
  rawData: Uint8Array;
}

export interface SparseTensorMsg {
  /** values.name is the initializer's name. */
  values: TensorMsg;
  /** INT64 linearised indices [NNZ], ascending. */
  indices: TensorMsg;
  dims: number[];
}

export interface AttributeMsg {
  name: string;
  type: (typeof AttributeType)[keyof typeof AttributeType];
  i: number;
}

export interface NodeMsg {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  attribute?: AttributeMsg[];
}

export interface ValueInfoMsg {
  name: string;
  type: { tensorType: { elemType: DataTypeCode; shape: { dim: Array<{ dimValue: number } | { dimParam: string }> } } };
}

export interface GraphMsg {
  name: string;
  node: NodeMsg[];
  initializer: TensorMsg[];
  sparseInitializer?: SparseTensorMsg[];
  input: ValueInfoMsg[];
  output: ValueInfoMsg[];
}

export interface ModelMsg {
  irVersion: number;
  opsetImport: Array<{ domain: string; version: number }>;
  producerName: string;
  producerVersion: string;
  docString?: string;
  graph: GraphMsg;
  metadataProps: Array<{ key: string; value: string }>;
}

interface Encoder {
  encode(m: ModelMsg): { finish(): Uint8Array };
}

/** Serialises a ModelProto; the bytes are a fresh Uint8Array (not a pooled Node Buffer). */
export function encodeModel(m: ModelMsg): Uint8Array {
  const bytes = (onnx as unknown as { ModelProto: Encoder }).ModelProto.encode(m).finish();
  return new Uint8Array(bytes);
}
