// heic-decode ships no types. Only what src/image/heic.ts uses is declared.
declare module 'heic-decode' {
  interface DecodedImage {
    width: number;
    height: number;
    /** RGBA, 8 bits a channel, rows top to bottom, with the file's rotation and mirroring applied. */
    data: Uint8ClampedArray;
  }
  function decode(input: { buffer: Uint8Array | ArrayBufferLike }): Promise<DecodedImage>;
  export default decode;
}
