// A Supabase Edge Function (Deno): violet.fetch served by Deno.serve.
// Deploy: supabase functions deploy violet-webhooks --no-verify-jwt (Violet sends no JWT; the
// HMAC signature is what proves a delivery came from Violet). Set the secret with
// supabase secrets set VIOLET_APP_SECRET=...
// Run locally: deno run --allow-net --allow-env --allow-read index.ts
import { violetWebhooks } from 'npm:express-violet-webhooks';

const violet = violetWebhooks({ secret: Deno.env.get('VIOLET_APP_SECRET') ?? '' });
violet.on('ORDER_SHIPPED', (event) => {
  console.log(`order ${event.orderId} shipped: bag ${event.bag?.id}`);
});

// An Edge Function's handler gets every request to the function, whatever its path.
Deno.serve(
  {
    port: Number(Deno.env.get('PORT') ?? 8000),
    hostname: '127.0.0.1',
    onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
  },
  violet.fetch,
);
