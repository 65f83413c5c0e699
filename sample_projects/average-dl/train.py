"""Train a CIFAR-10 classifier from a YAML config and log curves to TensorBoard.

    python train.py --config configs/resnet18.yaml
"""

import argparse
import os
import random

import numpy as np
import torch
import torch.nn as nn
import yaml
from torch.utils.tensorboard import SummaryWriter
from tqdm import tqdm

from data import loaders
from models import build


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)


def evaluate(model, loader, device):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            correct += (model(images).argmax(1) == labels).sum().item()
            total += labels.size(0)
    return correct / total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="configs/resnet18.yaml")
    args = parser.parse_args()
    with open(args.config) as f:
        cfg = yaml.safe_load(f)

    set_seed(cfg["seed"])
    device = "cuda" if torch.cuda.is_available() else "cpu"
    train_loader, test_loader = loaders(cfg["data_dir"], cfg["batch_size"], cfg["num_workers"], cfg["seed"])
    model = build(cfg["model"]).to(device)
    criterion = nn.CrossEntropyLoss(label_smoothing=cfg["label_smoothing"])
    optimizer = torch.optim.SGD(
        model.parameters(), lr=cfg["lr"], momentum=cfg["momentum"], weight_decay=cfg["weight_decay"], nesterov=True
    )
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=cfg["epochs"])
    writer = SummaryWriter(cfg["log_dir"])

    best = 0.0
    for epoch in range(cfg["epochs"]):
        model.train()
        running = 0.0
        for images, labels in tqdm(train_loader, desc=f"epoch {epoch + 1}/{cfg['epochs']}", leave=False):
            images, labels = images.to(device), labels.to(device)
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            running += loss.item() * labels.size(0)
        scheduler.step()

        train_loss = running / len(train_loader.dataset)
        top1 = evaluate(model, test_loader, device)
        writer.add_scalar("loss/train", train_loss, epoch)
        writer.add_scalar("top1/test", top1, epoch)
        writer.add_scalar("lr", scheduler.get_last_lr()[0], epoch)
        print(f"epoch {epoch + 1}: train loss {train_loss:.3f}, test top-1 {top1:.4f}")
        if top1 > best:
            best = top1
            os.makedirs(os.path.dirname(cfg["checkpoint"]), exist_ok=True)
            torch.save(model.state_dict(), cfg["checkpoint"])

    writer.add_hparams({"model": cfg["model"], "lr": cfg["lr"], "epochs": cfg["epochs"]}, {"hparam/top1": best})
    writer.close()
    print(f"best test top-1: {best:.4f}")


if __name__ == "__main__":
    main()
