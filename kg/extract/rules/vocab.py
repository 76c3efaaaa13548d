"""Word lists of the rules: vague phrases, non-names, modifiers, the heads that type a phrase."""
from __future__ import annotations

from pathlib import Path

from kg.extract.text import name_key

_EXTRACT_DIR = Path(__file__).resolve().parent.parent  # the word lists live beside kg/extract's modules


# SCHEMA.md: vague phrases are never entities.
VAGUE = {
    name_key(v)
    for v in (
        "our method", "a novel framework", "existing approaches", "the proposed model", "deep learning",
        "machine learning", "artificial intelligence", "neural network", "deep neural network", "DNN",
        "model", "algorithm", "architecture", "data", "images", "experiments", "network", "framework",
        "method", "approach", "system", "technique", "module", "AI", "ML", "DL", "NN", "ANN",
        "artificial neural network", "deep network", "deep model", "baseline", "benchmark", "dataset",
    )
}

# Acronyms that name metrics, units, organisations or prose, not methods.
NOT_NAMES = {
    "AP", "mAP", "AUC", "ROC", "PSNR", "SSIM", "FID", "IoU", "mIoU", "BLEU", "ROUGE", "FLOPs", "FLOP", "GFLOPs",
    "MACs", "FPS", "SOTA", "SoTA", "TOPS", "API", "APIs", "URL", "PDF", "RGB", "HD", "US", "UK", "EU", "USA",
    "II", "III", "IV", "VI", "OK", "MSE", "MAE", "RMSE", "F1", "AI", "ML", "DL", "NN", "DNN", "DNNs", "ANN",
    "ANNs", "CV", "NLP", "IEEE", "ACM", "CVPR", "ICCV", "ECCV", "NeurIPS", "ICML", "ICLR", "AAAI", "ACL",
    "EMNLP", "GB", "MB", "KB", "TB", "ms", "GHz", "MHz", "Hz", "dB", "CUDA", "PyTorch", "TensorFlow", "JAX",
    "GitHub", "ArXiv", "arXiv", "OpenAI", "Google", "Meta", "Microsoft", "NVIDIA", "Nvidia", "DeepMind",
    "TVM", "DGL", "PyG", "Python", "MATLAB", "ImageNet-pretrained", "Top-1", "Top-5", "ID", "OOD", "QA",
    "LaTeX", "SQL", "JSON", "HTML", "XML", "CSV", "COVID", "COVID-19", "SARS-CoV-2", "DNA", "RNA", "MRI",
    "CT", "ECG", "EEG", "fMRI", "GPS", "RL", "SGD",
}

GENERIC_MODIFIERS = {
    "a", "an", "the", "our", "their", "its", "this", "these", "those", "that", "such", "each", "every", "all",
    "proposed", "novel", "new", "existing", "previous", "prior", "standard", "conventional", "traditional",
    "current", "recent", "modern", "popular", "different", "various", "multiple", "several", "many", "other",
    "simple", "general", "generic", "specific", "additional", "same", "first", "second", "two", "three",
    "single", "state-of-the-art", "typical", "common", "original", "final", "whole", "entire", "efficient",
    "effective", "powerful", "robust", "accurate", "lightweight", "better", "best", "large", "small", "deep",
    "shallow", "based", "improved", "better", "key", "main", "unified", "corresponding", "relevant",
    "underlying", "resulting", "overall", "given", "most", "more", "less", "fewer", "with", "of", "for", "and",
    "or", "in", "on", "to", "by", "from", "as", "at", "via", "using", "is", "are", "be", "we", "it", "which",
    "powerful", "strong", "weak", "fast", "faster", "high", "low", "higher", "lower", "both", "any", "some",
    "downstream", "challenging", "important", "fundamental", "practical", "real-world", "real", "world",
    "extensive", "comprehensive", "widely-used", "well-known", "classic", "classical", "advanced",
    "competitive", "comparable", "similar", "baseline", "vanilla", "naive", "randomly", "random",
}

TASK_HEADS = {
    "detection", "segmentation", "classification", "recognition", "estimation", "generation", "synthesis",
    "forecasting", "prediction", "translation", "reconstruction", "captioning", "retrieval", "localization",
    "tracking", "enhancement", "completion", "answering", "summarization", "modeling", "modelling",
    "reasoning", "diagnosis", "separation", "restoration", "inpainting", "super-resolution", "denoising",
    "parsing", "alignment", "registration", "compression", "verification", "navigation", "planning",
    "editing", "understanding", "matching", "search", "decomposition", "representation learning",
}
TRAILING_PARTS = {"module", "modules", "block", "blocks", "unit", "units", "layer", "layers", "mechanism", "mechanisms", "cell", "cells"}
METHOD_HEADS = {
    "attention", "loss", "network", "networks", "convolution", "convolutions", "pooling", "encoder", "decoder",
    "transformer", "transformers", "regularization", "normalization", "distillation", "memory", "embedding",
    "embeddings", "operator", "pyramid", "router", "block", "cell", "unit", "units", "head", "heads",
    "mechanism", "layer", "layers", "autoencoder", "perceptron", "integrator", "encoding", "fusion",
}
DATASET_HEADS = {"dataset", "datasets", "benchmark", "benchmarks", "corpus", "suite"}
DATASET_NAME_HEADS = {"challenge", "exchange", "bank", "collection", "arena", "database", "set", "corpora", "evaluation"}
METHOD_NAME_HEADS = {
    "model", "learning", "search", "coding", "optimization", "optimisation", "regression", "machine", "estimator",
    "predictor", "classifier", "detector", "descent", "sampling", "transform", "decomposition", "process", "field",
    "circuit", "circuits", "integrator", "integrators", "algorithm", "tree", "forest", "graph", "kernel", "scheme",
    "strategy", "policy", "distillation", "pruning", "quantization", "training", "tuning", "adaptation", "pyramid",
}
METHOD_HEAD_STEMS = frozenset(h.rstrip("s") for h in METHOD_HEADS)
METHOD_NAME_STEMS = METHOD_HEAD_STEMS | {h.rstrip("s") for h in METHOD_NAME_HEADS}
HARDWARE_HEADS = {"processor", "chip", "chips", "accelerator", "accelerators", "sensor", "sensors", "camera", "cameras", "radar", "array", "crossbar", "device", "devices"}
NOT_ENTITY_HEADS = {
    "disorder", "disease", "syndrome", "memory", "error", "errors", "ratio", "rate", "score", "index", "metric",
    "university", "institute", "laboratory", "agency", "foundation", "organization", "association", "conference",
    "workshop", "committee", "council", "administration", "act", "regulation", "imaging", "tomography",
}

TITLE_LINKS = {"for", "with", "via", "in", "on", "using", "to"}

def _read_stopwords() -> frozenset[str]:
    text = _EXTRACT_DIR.joinpath("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


STOPWORDS = _read_stopwords()
GENERIC_TERMS = frozenset(
    line.strip() for line in (_EXTRACT_DIR.joinpath("lexicons") / "generic.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)

SUPERVISION = {"supervised", "unsupervised", "self-supervised", "semi-supervised", "weakly-supervised"}


TASK_MODIFIER_STOP = {
    "accurate", "efficient", "robust", "fast", "scalable", "reliable", "precise", "better", "improved", "enhanced",
    "superior", "competitive", "strong", "task", "tasks", "improve", "improves", "boost", "boosts", "perform",
    "performs", "outperforms", "tackle", "tackles", "solve", "solves", "address", "addresses", "study", "studies",
    "applications", "application", "problem", "problems", "methods", "models", "approaches", "networks", "systems",
    "recent", "challenging", "difficult", "various", "downstream", "generic", "diverse", "typical", "classic",
    "several", "both", "effective", "accuracy", "performance", "results", "benchmarks", "datasets",
    "real-time", "online", "end-to-end", "low-cost", "low-latency",
}
# hyphenated properties of a method, not sub-fields of a task ("Attack-Tolerant Semantic
# Segmentation", "Edge-assisted Real-time Object Detection")
TASK_PROPERTY_SUFFIXES = ("-aware", "-tolerant", "-assisted", "-efficient", "-free", "-driven", "-guided",
                          "-agnostic", "-friendly", "-robust", "-resilient", "-enhanced", "-oriented")

BARE_TASKS = {
    "3d": {"classification": "point cloud classification", "detection": "3D object detection",
           "segmentation": "3D semantic segmentation"},
    "vision": {"classification": "image classification", "detection": "object detection",
               "segmentation": "semantic segmentation", "localization": "object localization",
               "tracking": "object tracking", "captioning": "image captioning"},
    "text": {"classification": "text classification", "summarization": "summarization", "translation": "machine translation"},
    "speech": {"recognition": "speech recognition", "separation": "speech separation", "enhancement": "speech enhancement"},
}
BARE_TASK_WORDS = frozenset(word for names in BARE_TASKS.values() for word in names)
_DOMAIN_WORDS = {
    "3d": ("3d", "lidar", "voxel", "voxels"),  # and "point cloud(s)", counted apart as two words
    "vision": ("image", "images", "visual", "vision", "video", "videos", "pixel", "pixels", "camera"),
    "text": ("text", "texts", "textual", "language", "sentence", "sentences", "word", "words", "document",
             "documents", "nlp"),
    "speech": ("speech", "audio", "speaker", "speakers", "acoustic"),
}
_DOMAIN_OF = {word: domain for domain, words in _DOMAIN_WORDS.items() for word in words}
