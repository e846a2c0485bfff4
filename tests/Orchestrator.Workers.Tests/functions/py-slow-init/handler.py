import time

print("loading slowly")
time.sleep(1.2)


def handle(payload, context):
    print("handling", payload.get("ms", 0))
    time.sleep(payload.get("ms", 0) / 1000)
    return {"slept": payload.get("ms", 0)}
