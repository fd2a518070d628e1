// Branded integer and identifier types: distinct quantities get distinct types.

/** A node's stable identity inside a cluster (its name, e.g. `n1`). */
export type NodeId = string & { readonly __brand: 'NodeId' };
/** A Raft term. */
export type Term = number & { readonly __brand: 'Term' };
/** A log index; it is the Galera seqno of the write-set at that index. */
export type Index = number & { readonly __brand: 'Index' };

export const nodeId = (value: string): NodeId => value as NodeId;
export const term = (value: number): Term => value as Term;
export const index = (value: number): Index => value as Index;
