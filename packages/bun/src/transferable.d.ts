// core's contract types transfer lists with lib.dom's global `Transferable`. This package
// compiles against Bun's own types instead of lib.dom (whose Worker has no ref/unref and no
// 'close' event), and there the same objects are `Bun.Transferable`.
type Transferable = Bun.Transferable;
