/**
 * onnxruntime 1.30's WebGPU Conv computes wrong sums when its input channels are a multiple of 3
 * but not of 4, above 3 (6, 9, 15, 18, 21, ...), and its output channels a multiple of 4: the
 * kernel it picks then reads three channels at a time and gets them wrong (found by the WebGPU
 * parity tests on SwiftShader: pix2pix's discriminator sees 3 + 3 channels, a weight gradient
 * over a batch of 6 is such a Conv too). The same convolution with the input channels padded
 * with zeros to a multiple of 4 takes another kernel, so every Conv the engine writes is padded
 * so, on every provider (a few zero channels cost next to nothing and keep one graph for all).
 */

/** Zero channels to add to a Conv's input (and its weights' input axis), or 0. */
export function convChannelPadding(inChannels: number, outChannels: number): number {
  return inChannels > 3 && inChannels % 3 === 0 && inChannels % 4 !== 0 && outChannels % 4 === 0 ? 4 - (inChannels % 4) : 0;
}

/** The `pads` of an ONNX Pad that adds `extra` channels after the last one of a 4-D tensor (axis 1). */
export function channelPads(extra: number): number[] {
  return [0, 0, 0, 0, 0, extra, 0, 0];
}
