// Plain HTTP calls to an access-token API, for tests that set up and inspect state around a run.
import { request } from 'undici';

export async function createToken(url: string, bearer: string, name: string): Promise<{ id: string; secret: string }> {
  const res = await request(`${url}/v1/accessTokens`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  const body = (await res.body.json()) as { accessTokenId: string; secret: string };
  if (res.statusCode !== 201) throw new Error(`create answered ${res.statusCode}`);
  return { id: body.accessTokenId, secret: body.secret };
}

export interface ListedToken {
  id: string;
  name: string;
  expiresTime?: string;
}

/** Every token of the bearer (all pages), with name and expiresTime: to prove nothing changed. */
export async function listTokens(url: string, bearer: string): Promise<ListedToken[]> {
  const tokens: ListedToken[] = [];
  let nextToken: string | undefined;
  for (;;) {
    const res = await request(`${url}/v1/accessTokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(nextToken ? { nextToken } : {}),
    });
    if (res.statusCode === 429) {
      // Waited out and asked again (the same page).
      await res.body.dump();
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    const body = (await res.body.json()) as { items: ListedToken[]; nextToken?: string | null };
    tokens.push(...body.items);
    // A missing, null or empty nextToken ends the listing (contract §2.2).
    if (!body.nextToken) break;
    nextToken = body.nextToken;
  }
  return tokens;
}

export async function listIds(url: string, bearer: string): Promise<string[]> {
  return (await listTokens(url, bearer)).map((t) => t.id);
}
