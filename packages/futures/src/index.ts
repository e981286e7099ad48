export * from "@concurrent/core";
