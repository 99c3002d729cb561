#!/usr/bin/env python3
"""Makes the image fixtures of DatasetsTests from the first CIFAR-10 records.

Run from this folder with the CIFAR-10 batch at hand (the argument), e.g.
    python3 make-fixtures.py /path/to/cifar-10-batches-bin/data_batch_1.bin
Needs Pillow (Debian: python3-pil) only to write the PNG and JPEG fixtures; Latent itself
decodes them with libpng and libjpeg-turbo.
"""
import os
import sys

from PIL import Image

RECORD = 3073
source = open(sys.argv[1], "rb").read()
records = [source[i * RECORD:(i + 1) * RECORD] for i in range(120)]

# A CIFAR-10 folder: records 0-79 as the training batch, 80-119 as the test batch.
os.makedirs("cifar10", exist_ok=True)
open("cifar10/data_batch_1.bin", "wb").write(b"".join(records[:80]))
open("cifar10/test_batch.bin", "wb").write(b"".join(records[80:120]))
names = "airplane automobile bird cat deer dog frog horse ship truck".split()
open("cifar10/batches.meta.txt", "w").write("\n".join(names) + "\n")


def colour(record):
    """A record's image as a PIL RGB image (planes R, G, B to interleaved pixels)."""
    planes = record[1:]
    pixels = bytes(planes[c * 1024 + p] for p in range(1024) for c in range(3))
    return Image.frombytes("RGB", (32, 32), pixels)


# Single files: the decoding tests compare them with record 0 (PNG exactly, JPEG closely).
os.makedirs("files", exist_ok=True)
first = colour(records[0])
first.save("files/colour.png")
first.convert("L").save("files/grey.png")
first.save("files/colour.jpg", quality=95)
first.convert("L").save("files/grey.jpg", quality=95)
first.quantize(16).save("files/palette.png")
first.convert("RGBA").save("files/rgba.png")
grey16 = Image.frombytes("I;16", (32, 32), b"".join((v * 257).to_bytes(2, "little") for v in first.convert("L").tobytes()))
grey16.save("files/grey16.png")
first.resize((48, 40)).save("files/colour-48x40.png")

# An image folder without train/test: three classes, PNG and JPEG, colour, 32×32.
for index in range(12):
    label = records[index][0]
    folder = f"imagefolder-colour/{names[label]}"
    os.makedirs(folder, exist_ok=True)
    image = colour(records[index])
    if index % 3 == 2:
        image.save(f"{folder}/{index:03d}.jpg", quality=90)
    else:
        image.save(f"{folder}/{index:03d}.png")

# A grey image folder with train/ and test/ subfolders, 16×16 PNGs.
for index in range(40):
    label = records[index][0]
    split = "test" if index >= 30 else "train"
    folder = f"imagefolder-grey/{split}/{names[label]}"
    os.makedirs(folder, exist_ok=True)
    colour(records[index]).convert("L").resize((16, 16), Image.BOX).save(f"{folder}/{index:03d}.png")
