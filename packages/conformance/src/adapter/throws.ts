// A worker module that fails while loading, before any handler is installed.
throw new Error("fixture failed to load");
