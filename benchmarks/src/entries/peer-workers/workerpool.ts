import workerpool from "workerpool";

workerpool.worker({ square: (x: number) => x * x });
