import { API_BASE, FEATURES, STRIPE_KEY } from "./config";

async function checkout(cart: string[]): Promise<void> {
  if (!FEATURES.checkout) return;
  const res = await fetch(`${API_BASE}/checkout`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Stripe-Key": STRIPE_KEY },
    body: JSON.stringify({ items: cart }),
  });
  document.querySelector("#status")!.textContent = res.ok ? "paid" : "failed";
}

document.querySelector("#buy")?.addEventListener("click", () => checkout(["sku-1"]));
