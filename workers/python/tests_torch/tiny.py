"""Tiny diffusers pipelines with random weights, saved in the layout a real download has.

    python -m tests_torch.tiny wan2.1-t2v DIR [wan2.2-i2v DIR2 ...]     (any of BUILDERS)

Each is the real diffusers pipeline class with real sub-models (transformer, VAE, text encoder,
tokenizer, scheduler) shrunk to a few thousand parameters: two transformer layers, a VAE of three
base channels, a two-layer UMT5 and a tokenizer built here from a small vocabulary. Nothing comes
from a model hub. The pipeline runs in seconds on a CPU; its frames are noise, but every step of
the worker's path (load, encode, denoise, decode, export) is diffusers' own code.
"""

from __future__ import annotations

import sys

# Words of the tests' prompts, plus letters so that any other prompt still tokenizes.
WORDS = ("a red fox in snow the square moves held x dance monkey blurry static").split()
TEXT_DIM = 32


def tokenizer():
    from transformers import T5Tokenizer

    # A Unigram vocabulary like T5's: pad, eos, unk first, then word pieces with scores.
    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -2.0)]
    vocab += [("▁" + w, -3.0) for w in sorted(set(WORDS))]
    vocab += [(c, -5.0) for c in "abcdefghijklmnopqrstuvwxyz0123456789.,"]
    return T5Tokenizer(vocab=vocab, extra_ids=0)


def text_encoder(vocab_size: int):
    from transformers import UMT5Config, UMT5EncoderModel

    return UMT5EncoderModel(UMT5Config(vocab_size=vocab_size, d_model=TEXT_DIM, d_kv=8, d_ff=32, num_layers=2,
                                       num_heads=4, relative_attention_num_buckets=8))


def wan_vae():
    from diffusers import AutoencoderKLWan

    return AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                            temperal_downsample=[False, True, True])


def wan_scheduler():
    from diffusers import UniPCMultistepScheduler

    # As Wan 2.1's own scheduler config: flow prediction with a flow_shift the worker may change.
    return UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0)


def wan_transformer(in_channels: int, image_dim=None, out_channels=16):
    from diffusers import WanTransformer3DModel

    return WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12,
                                 in_channels=in_channels, out_channels=out_channels, text_dim=TEXT_DIM, freq_dim=256,
                                 ffn_dim=32, num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
                                 rope_max_seq_len=32, image_dim=image_dim)


def wan_t2v():
    from diffusers import WanPipeline

    tok = tokenizer()
    return WanPipeline(tokenizer=tok, text_encoder=text_encoder(len(tok)), vae=wan_vae(),
                       scheduler=wan_scheduler(), transformer=wan_transformer(16))


def wan_i2v():
    from diffusers import WanImageToVideoPipeline
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModel

    tok = tokenizer()
    # The image embedding enters the transformer as image_dim features: the encoder's hidden size.
    encoder = CLIPVisionModel(CLIPVisionConfig(hidden_size=4, num_hidden_layers=2, num_attention_heads=2,
                                               image_size=32, intermediate_size=16, patch_size=4))
    return WanImageToVideoPipeline(tokenizer=tok, text_encoder=text_encoder(len(tok)), vae=wan_vae(),
                                   scheduler=wan_scheduler(), image_processor=CLIPImageProcessor(crop_size=32, size=32),
                                   image_encoder=encoder, transformer=wan_transformer(36, image_dim=4))


def wan22_t2v():
    from diffusers import WanPipeline

    # Wan 2.2 A14B: two experts, transformer for the high-noise steps, transformer_2 below the boundary.
    tok = tokenizer()
    return WanPipeline(tokenizer=tok, text_encoder=text_encoder(len(tok)), vae=wan_vae(), scheduler=wan_scheduler(),
                       transformer=wan_transformer(16), transformer_2=wan_transformer(16), boundary_ratio=0.875)


def wan22_i2v():
    from diffusers import WanImageToVideoPipeline

    # Wan 2.2 I2V A14B has no image encoder: the image enters as latents (36 = 16 noise + 4 mask + 16 image).
    tok = tokenizer()
    return WanImageToVideoPipeline(tokenizer=tok, text_encoder=text_encoder(len(tok)), vae=wan_vae(),
                                   scheduler=wan_scheduler(), transformer=wan_transformer(36),
                                   transformer_2=wan_transformer(36), boundary_ratio=0.9)


def wan22_5b():
    from diffusers import AutoencoderKLWan, WanPipeline

    # Wan 2.2 TI2V-5B: the Wan 2.2 VAE (48 latent channels, patchified 2x2, 16x spatial compression)
    # and one transformer whose timesteps are expanded per latent frame; saved as WanPipeline, like
    # the real download, whose I2V runs through WanImageToVideoPipeline on the same directory.
    tok = tokenizer()
    vae = AutoencoderKLWan(base_dim=3, z_dim=48, in_channels=12, out_channels=12, is_residual=True, patch_size=2,
                           latents_mean=[0.0] * 48, latents_std=[1.0] * 48, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           scale_factor_spatial=16, scale_factor_temporal=4, temperal_downsample=[False, True, True])
    return WanPipeline(tokenizer=tok, text_encoder=text_encoder(len(tok)), vae=vae, scheduler=wan_scheduler(),
                       transformer=wan_transformer(48, out_channels=48), expand_timesteps=True)


def ltx(cls_name):
    import diffusers
    from transformers import T5Config, T5EncoderModel

    tok = tokenizer()
    # The real LTX-Video VAE's compression (32x spatial: patch 4 and three downscalings; 8x temporal)
    # with eight channels per block.
    vae = diffusers.AutoencoderKLLTXVideo(latent_channels=8, block_out_channels=(8, 8, 8, 8),
                                          decoder_block_out_channels=(8, 8, 8, 8),
                                          layers_per_block=(1, 1, 1, 1, 1), decoder_layers_per_block=(1, 1, 1, 1, 1),
                                          spatio_temporal_scaling=(True, True, True, False),
                                          decoder_spatio_temporal_scaling=(True, True, True, False),
                                          patch_size=4, patch_size_t=1)
    encoder = T5EncoderModel(T5Config(vocab_size=len(tok), d_model=TEXT_DIM, d_kv=8, d_ff=32, num_layers=2,
                                      num_heads=4, relative_attention_num_buckets=8))
    transformer = diffusers.LTXVideoTransformer3DModel(in_channels=8, out_channels=8, patch_size=1, patch_size_t=1,
                                                      num_attention_heads=4, attention_head_dim=8,
                                                      cross_attention_dim=32, num_layers=2, caption_channels=TEXT_DIM)
    return getattr(diffusers, cls_name)(scheduler=diffusers.FlowMatchEulerDiscreteScheduler(), vae=vae,
                                        text_encoder=encoder, tokenizer=tok, transformer=transformer)


def framepack():
    import diffusers
    from transformers import (CLIPTextConfig, CLIPTextModel, CLIPTokenizer, LlamaConfig, LlamaModel, LlamaTokenizer,
                              SiglipImageProcessor, SiglipVisionConfig, SiglipVisionModel)

    chars = list("abcdefghijklmnopqrstuvwxyz0123456789.,:|<>_-")
    # Llama: a byte-fallback-free BPE of single characters; CLIP: the same with end-of-word forms.
    llama_vocab = {t: i for i, t in enumerate(["<unk>", "<s>", "</s>", "<pad>", "▁"] + chars)}
    llama_tok = LlamaTokenizer(vocab=llama_vocab, merges=[], pad_token="<pad>")
    clip_vocab = {t: i for i, t in enumerate(["<|startoftext|>", "<|endoftext|>"] + chars + [c + "</w>" for c in chars])}
    clip_tok = CLIPTokenizer(vocab=clip_vocab, merges=[])
    llama = LlamaModel(LlamaConfig(vocab_size=len(llama_vocab), hidden_size=16, intermediate_size=32,
                                   num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=2,
                                   pad_token_id=3, bos_token_id=1, eos_token_id=2))
    clip = CLIPTextModel(CLIPTextConfig(vocab_size=len(clip_vocab), hidden_size=8, intermediate_size=16,
                                        num_hidden_layers=2, num_attention_heads=2, projection_dim=8,
                                        bos_token_id=0, eos_token_id=1, pad_token_id=1))
    siglip = SiglipVisionModel(SiglipVisionConfig(hidden_size=32, intermediate_size=16, num_hidden_layers=2,
                                                  num_attention_heads=2, image_size=32, patch_size=8))
    # The real HunyuanVideo VAE's compression (8x spatial, 4x temporal) with eight channels per block.
    vae = diffusers.AutoencoderKLHunyuanVideo(in_channels=3, out_channels=3, latent_channels=4,
                                              block_out_channels=(8, 8, 8, 8), layers_per_block=1,
                                              norm_num_groups=4, spatial_compression_ratio=8,
                                              temporal_compression_ratio=4, mid_block_add_attention=True)
    transformer = diffusers.HunyuanVideoFramepackTransformer3DModel(
        in_channels=4, out_channels=4, num_attention_heads=2, attention_head_dim=10, num_layers=1,
        num_single_layers=1, num_refiner_layers=1, patch_size=2, patch_size_t=1, guidance_embeds=True,
        text_embed_dim=16, pooled_projection_dim=8, rope_axes_dim=(2, 4, 4), image_condition_type=None,
        has_image_proj=True, image_proj_dim=32, has_clean_x_embedder=True)
    return diffusers.HunyuanVideoFramepackPipeline(
        text_encoder=llama, tokenizer=llama_tok, transformer=transformer, vae=vae,
        scheduler=diffusers.FlowMatchEulerDiscreteScheduler(shift=3.0), text_encoder_2=clip, tokenizer_2=clip_tok,
        image_encoder=siglip, feature_extractor=SiglipImageProcessor(size={"height": 32, "width": 32}))


def ltx2(cls_name):
    import diffusers
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder
    from transformers import Gemma3Config, Gemma3ForConditionalGeneration, GemmaTokenizer

    # LTX-2: one transformer denoises video and audio latents together; Gemma 3's hidden states of every
    # layer go through the text connectors to both branches; a video VAE, an audio VAE (mel spectrogram)
    # and a vocoder decode them. Gemma's tokenizer: a BPE of whole words and single characters, no merges.
    chars = list("abcdefghijklmnopqrstuvwxyz0123456789.,")
    vocab = {t: i for i, t in enumerate(["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "▁"]
                                        + ["▁" + w for w in sorted(set(WORDS))] + chars)}
    tok = GemmaTokenizer(vocab=vocab, merges=[])
    text = {"vocab_size": len(vocab), "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 2,
            "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 8, "sliding_window": 16,
            "pad_token_id": 0, "eos_token_id": 1, "bos_token_id": 2}
    vision = {"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
              "image_size": 16, "patch_size": 4}
    gemma = Gemma3ForConditionalGeneration(Gemma3Config(text_config=text, vision_config=vision, mm_tokens_per_image=4))
    connectors = LTX2TextConnectors(
        caption_channels=16, text_proj_in_factor=text["num_hidden_layers"] + 1,
        video_connector_num_attention_heads=2, video_connector_attention_head_dim=8, video_connector_num_layers=1,
        video_connector_num_learnable_registers=None, audio_connector_num_attention_heads=2,
        audio_connector_attention_head_dim=8, audio_connector_num_layers=1, audio_connector_num_learnable_registers=None,
        connector_rope_base_seq_len=32, rope_theta=10000.0, rope_double_precision=False,
        causal_temporal_positioning=False, rope_type="split")
    transformer = diffusers.LTX2VideoTransformer3DModel(
        in_channels=4, out_channels=4, patch_size=1, patch_size_t=1, num_attention_heads=2, attention_head_dim=8,
        cross_attention_dim=16, audio_in_channels=4, audio_out_channels=4, audio_num_attention_heads=2,
        audio_attention_head_dim=4, audio_cross_attention_dim=8, num_layers=2, qk_norm="rms_norm_across_heads",
        caption_channels=16, rope_double_precision=False, rope_type="split")
    # The real video VAE's compression (32x spatial, 8x temporal): patch 4 and three space-time downscalings.
    vae = diffusers.AutoencoderKLLTX2Video(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 16, 32), layers_per_block=(1, 1, 1, 1, 1), decoder_layers_per_block=(1, 1, 1, 1),
        timestep_conditioning=False, patch_size=4, patch_size_t=1, spatial_compression_ratio=32,
        temporal_compression_ratio=8)
    audio_vae = diffusers.AutoencoderKLLTX2Audio(
        base_channels=4, output_channels=2, ch_mult=(1,), num_res_blocks=1, attn_resolutions=None, in_channels=2,
        resolution=32, latent_channels=2, norm_type="pixel", causality_axis="height", dropout=0.0,
        mid_block_add_attention=False, sample_rate=16000, mel_hop_length=160, is_causal=True, mel_bins=8)
    # Upsampling 10 x 16 = the audio VAE's mel hop of 160 samples, so the waveform lasts as long as the video.
    vocoder = LTX2Vocoder(in_channels=2 * 8, hidden_channels=8, out_channels=2, upsample_kernel_sizes=[20, 32],
                          upsample_factors=[10, 16], resnet_kernel_sizes=[3], resnet_dilations=[[1, 3, 5]],
                          leaky_relu_negative_slope=0.1, output_sampling_rate=16000)
    return getattr(diffusers, cls_name)(scheduler=diffusers.FlowMatchEulerDiscreteScheduler(), vae=vae,
                                        audio_vae=audio_vae, text_encoder=gemma, tokenizer=tok, connectors=connectors,
                                        transformer=transformer, vocoder=vocoder)


BUILDERS = {"wan2.1-t2v": wan_t2v, "wan2.1-i2v": wan_i2v, "wan2.2-t2v": wan22_t2v, "wan2.2-i2v": wan22_i2v,
            "wan2.2-5b": wan22_5b, "framepack-i2v": framepack,
            "ltx-t2v": lambda: ltx("LTXPipeline"), "ltx-i2v": lambda: ltx("LTXImageToVideoPipeline"),
            "ltx2-t2v": lambda: ltx2("LTX2Pipeline"), "ltx2-i2v": lambda: ltx2("LTX2ImageToVideoPipeline")}

# Worker pipelines that load the same download (one tiny build serves both).
DOWNLOAD_OF = {"wan2.2-5b-t2v": "wan2.2-5b", "wan2.2-5b-i2v": "wan2.2-5b"}


def save(pipeline: str, out_dir: str) -> None:
    import torch

    torch.manual_seed(0)
    BUILDERS[DOWNLOAD_OF.get(pipeline, pipeline)]().save_pretrained(out_dir)


def main(argv) -> int:
    if not argv or len(argv) % 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    for name, out in zip(argv[::2], argv[1::2]):
        if DOWNLOAD_OF.get(name, name) not in BUILDERS:
            print(f"tiny: no tiny build of {name!r}; known: {', '.join(BUILDERS)}", file=sys.stderr)
            return 2
        save(name, out)
        print(f"tiny: {name} saved to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
