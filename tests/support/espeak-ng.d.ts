// Types for the espeak-ng npm package (an Emscripten build of the espeak-ng CLI), which ships none.
declare module 'espeak-ng' {
  export interface ESpeakNgModule {
    FS: {
      readFile(path: string): Uint8Array;
      readFile(path: string, opts: { encoding: 'utf8' }): string;
      writeFile(path: string, data: string | Uint8Array): void;
      unlink(path: string): void;
    };
  }
  export interface ESpeakNgOptions {
    arguments: string[];
    print?: (text: string) => void;
    printErr?: (text: string) => void;
    wasmBinary?: ArrayBuffer | Uint8Array;
    instantiateWasm?: (
      imports: WebAssembly.Imports,
      receive: (instance: WebAssembly.Instance, module?: WebAssembly.Module) => void,
    ) => object;
  }
  export default function ESpeakNg(options: ESpeakNgOptions): Promise<ESpeakNgModule>;
}
