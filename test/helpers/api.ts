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

export async function listIds(url: string, bearer: string): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const res = await request(`${url}/v1/accessTokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(nextToken ? { nextToken } : {}),
    });
    if (res.statusCode === 429) {
      await res.body.dump();
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    const body = (await res.body.json()) as { items: Array<{ id: string }>; nextToken?: string };
    ids.push(...body.items.map((i) => i.id));
    nextToken = body.nextToken;
  } while (nextToken);
  return ids;
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
  do {
    const res = await request(`${url}/v1/accessTokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(nextToken ? { nextToken } : {}),
    });
    if (res.statusCode === 429) {
      await res.body.dump();
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    const body = (await res.body.json()) as { items: ListedToken[]; nextToken?: string | null };
    tokens.push(...body.items);
    nextToken = body.nextToken || undefined;
  } while (nextToken);
  return tokens;
}
