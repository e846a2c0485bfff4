"""spam-score: a small rule-based spam score for a sign-up (standard library only)."""

DISPOSABLE = {"mailinator.com", "10minutemail.com", "guerrillamail.com", "trashmail.com", "yopmail.com"}


def handle(payload, context):
    email = str(payload.get("email", "")).lower()
    name = str(payload.get("name", ""))
    local, _, domain = email.partition("@")
    reasons = []
    value = 0.0
    if domain in DISPOSABLE:
        value += 0.6
        reasons.append(f"disposable domain {domain}")
    digits = sum(ch.isdigit() for ch in local)
    if local and digits / len(local) > 0.5:
        value += 0.3
        reasons.append("mostly digits")
    if not name.strip() or name.strip().lower() == local:
        value += 0.2
        reasons.append("no real name")
    if "http" in name.lower() or "www." in name.lower():
        value += 0.5
        reasons.append("link in name")
    print(f"scored {email}: {value:.2f}")  # goes to the step's log, not the protocol channel
    return {"value": round(min(value, 1.0), 2), "reasons": reasons}
