// Vite's SSR build of the bundled program, with every dependency bundled in (noExternal).
export default {
  logLevel: "warn",
  ssr: { noExternal: true, target: "node" },
  build: {
    ssr: "bundle/main.mjs",
    outDir: "out/vite",
    emptyOutDir: true,
    rollupOptions: { output: { entryFileNames: "main.mjs" } },
  },
};
