// The bundle's stand-in for hdr-histogram-js's WebAssembly build (dist/wasm): validate builds JavaScript
// histograms only (useWebAssembly is never set), so the 300 KB of base64 WebAssembly and its loader are
// left out of every thread's start-up. Anything that asks for WebAssembly says why it is not there.
const absent = () => {
  throw new Error('hdr-histogram-js WebAssembly is not part of this build (JavaScript histograms only)');
};
export class WasmHistogram {
  static build() {
    return absent();
  }
  static decode() {
    return absent();
  }
}
export const webAssemblyAvailable = false;
export const webAssemblyReady = () => false;
export const initWebAssembly = async () => absent();
export const initWebAssemblySync = absent;
