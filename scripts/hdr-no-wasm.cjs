// The bundle's stand-in for hdr-histogram-js's WebAssembly build (dist/wasm): validate builds JavaScript
// histograms only (useWebAssembly is never set), so the 300 KB of base64 WebAssembly and its loader are
// left out of every thread's start-up. Anything that asks for WebAssembly says why it is not there.
'use strict';
const absent = () => {
  throw new Error('hdr-histogram-js WebAssembly is not part of this build (JavaScript histograms only)');
};
class WasmHistogram {
  static build() {
    return absent();
  }
  static decode() {
    return absent();
  }
}
exports.webAssemblyAvailable = false;
exports.webAssemblyReady = () => false;
exports.initWebAssembly = async () => absent();
exports.initWebAssemblySync = absent;
exports.WasmHistogram = WasmHistogram;
