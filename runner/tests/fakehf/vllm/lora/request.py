class LoRARequest:
    def __init__(self, name, lora_int_id, path):
        self.name, self.lora_int_id, self.path = name, lora_int_id, path
