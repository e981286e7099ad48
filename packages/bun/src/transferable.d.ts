// core's contract types transfer lists loosely (`TransferItem = object`). This package
// compiles against Bun's own types instead of lib.dom (whose Worker has no ref/unref and no
// 'close' event), where the objects postMessage moves are `Bun.Transferable`.
type Transferable = Bun.Transferable;
