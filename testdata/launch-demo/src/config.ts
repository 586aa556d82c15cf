// Shipped to the browser: everything in this file ends up in dist/assets/app.js.
export const API_BASE = "https://api.launch-demo.dev/v1";

// BUG (the demo's point): a server-side Stripe secret key in client code.
export const STRIPE_KEY = "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";

export const FEATURES = { checkout: true, chat: false };
