"""user-profile: a deterministic stand-in for a profile backend."""

NAMES = ["Ada", "Grace", "Alan", "Barbara", "Edsger", "Frances"]
CITIES = ["London", "Arlington", "Manchester", "Boston", "Amsterdam", "Zurich"]


def handle(payload, context):
    user_id = int(payload["userId"])
    return {"userId": user_id, "name": NAMES[user_id % len(NAMES)], "city": CITIES[user_id % len(CITIES)]}
