import os
import re


def get_last_checkpoint(folder):
    found = [d for d in os.listdir(folder) if re.fullmatch(r"checkpoint-\d+", d)]
    return os.path.join(folder, max(found, key=lambda d: int(d.split("-")[1]))) if found else None
