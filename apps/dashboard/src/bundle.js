export {};
//# sourceMappingURL=bundle.js.map