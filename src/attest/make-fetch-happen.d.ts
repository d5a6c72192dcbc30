/**
 * The part of make-fetch-happen (the transport @sigstore/sign uses for Fulcio and Rekor) this action calls.
 * Declared here rather than through @types/make-fetch-happen, whose DOM lib reference would leak into the jsii build.
 */
declare module 'make-fetch-happen' {
  namespace fetch {
    interface FetchOptions {
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      timeout?: number;
      retry?: boolean | number | Record<string, number>;
      redirect?: 'manual' | 'error' | 'follow';
      cache?: 'no-store';
    }
    interface FetchResponse {
      readonly status: number;
      readonly headers: { get(name: string): string | null };
      /** a Minipass stream */
      readonly body: AsyncIterable<Buffer | string> & { destroy?(): void };
    }
    type MakeFetchHappenOptions = FetchOptions;
  }
  function fetch(url: string, options?: fetch.FetchOptions): Promise<fetch.FetchResponse>;
  export = fetch;
}
