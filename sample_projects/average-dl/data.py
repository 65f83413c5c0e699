"""CIFAR-10 loaders with the usual crop-and-flip augmentation."""

import torch
from torchvision import datasets, transforms

MEAN = (0.4914, 0.4822, 0.4465)
STD = (0.2470, 0.2435, 0.2616)


def loaders(data_dir: str, batch_size: int, num_workers: int, seed: int):
    """Return (train_loader, test_loader); downloads CIFAR-10 into data_dir on first use."""
    train_tf = transforms.Compose(
        [
            transforms.RandomCrop(32, padding=4),
            transforms.RandomHorizontalFlip(),
            transforms.ToTensor(),
            transforms.Normalize(MEAN, STD),
        ]
    )
    test_tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    train = datasets.CIFAR10(data_dir, train=True, download=True, transform=train_tf)
    test = datasets.CIFAR10(data_dir, train=False, download=True, transform=test_tf)
    generator = torch.Generator().manual_seed(seed)
    return (
        torch.utils.data.DataLoader(
            train, batch_size=batch_size, shuffle=True, num_workers=num_workers, generator=generator
        ),
        torch.utils.data.DataLoader(test, batch_size=256, shuffle=False, num_workers=num_workers),
    )
