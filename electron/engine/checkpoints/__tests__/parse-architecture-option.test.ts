import { describe, expect, it } from 'vitest';
import { parseArchitectureOption } from '../index.js';
import { studioErrorOf } from './helpers.js';

describe('parseArchitectureOption (--arch)', () => {
  it("accepts junyanz's names", () => {
    expect(parseArchitectureOption('resnet_9blocks')).toEqual({ family: 'resnet', nBlocks: 9 });
    expect(parseArchitectureOption('resnet_6blocks')).toEqual({ family: 'resnet', nBlocks: 6 });
    expect(parseArchitectureOption('resnet_12blocks')).toEqual({ family: 'resnet', nBlocks: 12 });
    expect(parseArchitectureOption('resnet')).toEqual({ family: 'resnet' });
    expect(parseArchitectureOption('unet_128')).toEqual({ family: 'unet', numDowns: 7 });
    expect(parseArchitectureOption('unet_256')).toEqual({ family: 'unet', numDowns: 8 });
    expect(parseArchitectureOption('UNet_512')).toEqual({ family: 'unet', numDowns: 9 });
    expect(parseArchitectureOption('stargan')).toEqual({ family: 'stargan' });
  });

  it('reads comma options', () => {
    expect(parseArchitectureOption('resnet_9blocks,ngf=64,norm=batch,dropout')).toEqual({
      family: 'resnet',
      nBlocks: 9,
      ngf: 64,
      norm: 'batch',
      dropout: true,
    });
    expect(parseArchitectureOption(' resnet_6blocks , norm=instance , no_dropout , input_nc=1 , output_nc=4 ')).toEqual({
      family: 'resnet',
      nBlocks: 6,
      norm: 'instance',
      dropout: false,
      inputChannels: 1,
      outputChannels: 4,
    });
    expect(parseArchitectureOption('resnet,n_blocks=0,dropout=false')).toEqual({ family: 'resnet', nBlocks: 0, dropout: false });
    expect(parseArchitectureOption('unet_256,ngf=32,norm=instance,dropout=yes')).toEqual({
      family: 'unet',
      numDowns: 8,
      ngf: 32,
      norm: 'instance',
      dropout: true,
    });
    expect(parseArchitectureOption('unet,num_downs=6')).toEqual({ family: 'unet', numDowns: 6 });
    expect(parseArchitectureOption('stargan,c=5,conv_dim=64,repeat=6')).toEqual({ family: 'stargan', cDim: 5, convDim: 64, repeatNum: 6 });
    expect(parseArchitectureOption('stargan,c_dim=3,repeat_num=0')).toEqual({ family: 'stargan', cDim: 3, repeatNum: 0 });
  });

  it('refuses what it does not understand, as BAD_ARGUMENT naming the problem', () => {
    const cases: [string, RegExp][] = [
      ['', /unknown architecture; use resnet_9blocks/],
      ['vgg16', /^--arch vgg16: unknown architecture/],
      ['resnet_blocks', /unknown architecture/],
      ['unet_100', /power of two/],
      ['unet_16', /power of two/],
      ['resnet_9blocks,ngf=abc', /ngf needs a whole number/],
      ['resnet_9blocks,ngf=0', /ngf=0 is out of range/],
      ['resnet_9blocks,norm=group', /norm must be batch or instance/],
      ['resnet_9blocks,dropout=maybe', /say true or false/],
      ['resnet_9blocks,c=5', /unknown option c for resnet/],
      ['unet_256,n_blocks=3', /unknown option n_blocks for unet/],
      ['unet,num_downs=3', /num_downs=3 is out of range/],
      ['stargan,ngf=64', /unknown option ngf for stargan \(known: c, conditioning, conv_dim, repeat, upsample\)/],
      ['stargan,c', /c needs a whole number/],
    ];
    for (const [text, pattern] of cases) {
      const err = studioErrorOf(() => parseArchitectureOption(text));
      expect(err.code, text).toBe('BAD_ARGUMENT');
      expect(err.message, text).toMatch(pattern);
    }
  });
});
