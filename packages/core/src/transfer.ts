/**
 * An object a message moves instead of copying — an `ArrayBuffer`, a `MessagePort`, … —
 * whatever the runtime's `postMessage` accepts in its transfer list. Declared as `object`
 * so that core's public types need neither lib.dom's `Transferable` nor @types/node's
 * `TransferListItem` (a Node project without lib.dom has no global `Transferable`).
 */
export type TransferItem = object;
