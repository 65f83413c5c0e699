"""The two models compared in the README."""

import torch.nn as nn
from torchvision.models import resnet18


class SimpleCNN(nn.Module):
    """Four conv layers with batch norm, two poolings, global average pooling."""

    def __init__(self, num_classes: int = 10):
        super().__init__()

        def block(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())

        self.features = nn.Sequential(
            block(3, 64), block(64, 64), nn.MaxPool2d(2), block(64, 128), block(128, 128), nn.MaxPool2d(2)
        )
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, num_classes))

    def forward(self, x):
        return self.head(self.features(x))


def cifar_resnet18(num_classes: int = 10) -> nn.Module:
    """torchvision's ResNet-18 with a 3x3 stem and no max-pool, as usual for 32x32 images."""
    model = resnet18(num_classes=num_classes)
    model.conv1 = nn.Conv2d(3, 64, 3, stride=1, padding=1, bias=False)
    model.maxpool = nn.Identity()
    return model


def build(name: str) -> nn.Module:
    if name == "simple_cnn":
        return SimpleCNN()
    if name == "resnet18":
        return cifar_resnet18()
    raise ValueError(f"unknown model {name}")
