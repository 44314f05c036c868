// A consumer of the installed `qstash-wasm` package that touches every Client method and option.
// Checked with `tsc --noEmit` (strict) and `deno check`; never executed. The `@ts-expect-error`
// lines prove the public types are precise (an `any` would make them unused errors).
import {
  Client,
  LLMProvider,
  EmailProvider,
  anthropic,
  custom,
  openai,
  resend,
  upstash,
  QstashError,
  QstashRatelimitError,
  QstashDailyRatelimitError,
  QstashChatRatelimitError,
  QstashEmptyArrayError,
  QStashWorkflowError,
  QStashWorkflowAbort,
  Chat,
  decodeBase64,
  formatWorkflowError,
  setupAnalytics,
  startDevServer,
  type ChatCompletion,
  type ProviderInfo,
  type BaseProvider,
  type LLMOwner,
  type ChatCompletionChunk,
  type FailureFunctionPayload,
  type AnalyticsSetup,
  type Workflow,
  type ClientConfig,
  type HttpClient,
  type PublishRequest,
  type PublishBatchRequest,
  type PublishToUrlResponse,
  type PublishToUrlGroupsResponse,
  type Message,
  type DlqMessage,
  type Schedule,
  type UrlGroup,
  type QueueResponse,
  type FlowControlInfo,
  type GlobalParallelismInfo,
  type GetLogsResponse,
  type Log,
  type SigningKeys,
  type Messages,
  type DLQ,
  type Schedules,
  type UrlGroups,
  type Queue,
  type FlowControlApi,
} from "qstash-wasm";

export async function everything(): Promise<void> {
  const config: ClientConfig = {
    token: "t",
    baseUrl: "http://127.0.0.1:8080",
    retry: { retries: 2, backoff: (n: number) => n * 10 },
    headers: { "X-Global": "1" },
    enableTelemetry: false,
    devMode: false,
  };
  const client = new Client(config);
  new Client();
  new Client({ retry: false, headers: new Headers({ a: "b" }) });
  new Client({ headers: [["a", "b"]] });

  const body: string = "x";
  const one: PublishToUrlResponse = await client.publish({
    url: "https://example.com",
    body,
    headers: { "X-A": "b" },
    method: "PUT",
    delay: "10s",
    notBefore: 1_900_000_000,
    deduplicationId: "d",
    contentBasedDeduplication: true,
    retries: 3,
    retryDelay: "pow(2, retried) * 1000",
    callback: "https://example.com/cb",
    failureCallback: "https://example.com/f",
    timeout: 30,
    flowControl: { key: "k", parallelism: 2, rate: 10, period: "1m" },
    label: ["a", "b"],
    redact: { body: true, header: ["Authorization"] },
  });
  const id: string = one.messageId;
  const dedup: boolean | undefined = one.deduplicated;
  const group: PublishToUrlGroupsResponse = await client.publish({ urlGroup: "g", body: new Uint8Array([1]) });
  await client.publish({ url: "https://e.com", body: new Blob(["b"]), delay: 5, timeout: "5s" });
  await client.publish({ url: "https://e.com", body: new URLSearchParams({ a: "1" }) });
  await client.publish({ url: "https://e.com", body: new FormData() });
  await client.publish({ url: "https://e.com", body: new ReadableStream<Uint8Array>() });
  await client.publish({ topic: "legacy", flowControl: { key: "k", ratePerSecond: 1 } });
  await client.publishJSON({ url: "https://e.com", body: { a: 1 } });
  await client.publishJSON({ api: { name: "llm", provider: openai({ token: "sk", organization: "o" }) }, body: {}, callback: "https://cb" });
  const byHand = openai({ token: "sk" });
  const handInfo: ProviderInfo = byHand.onFinish(
    { url: byHand.getUrl(), baseUrl: byHand.baseUrl, route: byHand.getRoute(), appendHeaders: byHand.getHeaders({}), owner: byHand.owner, method: byHand.method },
    { analytics: { name: "helicone", token: "hk" } },
  );
  await client.publishJSON({ api: { name: "llm", provider: anthropic({ token: "sk" }), analytics: { name: "helicone", token: "h" } }, body: {}, callback: "https://cb" });
  await client.publishJSON({ api: { name: "llm", provider: custom({ baseUrl: "https://x", token: "t" }) }, body: {}, callback: "https://cb" });
  await client.publishJSON({ api: { name: "llm", provider: upstash() }, body: {}, callback: "https://cb" });
  await client.publishJSON({ api: { name: "email", provider: resend({ token: "re", batch: true }) }, body: {} });
  // The provider classes: constructible, subclassable; a hand-written provider needs every
  // member of BaseProvider.
  class Proxied extends LLMProvider<"openai"> {
    getUrl(): string {
      return "https://proxy.example.com/v1/chat/completions";
    }
    getHeaders(options: { analytics?: { name: "helicone"; token: string } }): Record<string, string> {
      return { ...super.getHeaders(options), "X-Proxy": "1" };
    }
  }
  const proxied = new Proxied("https://api.openai.com", "sk", "openai");
  const proxiedOwner: LLMOwner = proxied.owner;
  await client.publishJSON({ api: { name: "llm", provider: proxied }, body: {}, callback: "https://cb" });
  const mail: EmailProvider = new EmailProvider("https://api.resend.com", "re", "resend", false);
  const mailBatch: boolean = mail.batch;
  await client.publishJSON({ api: { name: "email", provider: mail }, body: {} });
  const handWritten: BaseProvider<"llm", "custom"> = {
    apiKind: "llm",
    method: "POST",
    baseUrl: "https://llm.example.com",
    token: "t",
    owner: "custom",
    getRoute: () => ["v1", "generate"],
    getUrl: () => "https://llm.example.com/v1/generate",
    getHeaders: () => ({ authorization: "Bearer t" }),
    onFinish: (info) => info,
  };
  await client.publishJSON({ api: { name: "llm", provider: handWritten }, body: {}, callback: "https://cb" });
  const openaiFields: { baseUrl: string; token: string; owner: string; organization?: string } = { ...openai({ token: "sk" }) };
  // @ts-expect-error an email provider is not an LLM provider
  await client.publishJSON({ api: { name: "llm", provider: resend({ token: "re" }) }, body: {}, callback: "https://cb" });
  // @ts-expect-error a hand-written provider needs onFinish
  const incomplete: BaseProvider<"llm", "custom"> = { apiKind: "llm", method: "POST", baseUrl: "b", token: "t", owner: "custom", getRoute: () => [], getUrl: () => "", getHeaders: () => ({}) };

  const batchItems: PublishBatchRequest[] = [{ url: "https://e.com", body: "1", queueName: "q" }, { urlGroup: "g" }];
  const batched = await client.batch(batchItems);
  const first = batched[0];
  const firstId: string = Array.isArray(first) ? first[0].messageId : first.messageId;
  await client.batchJSON([{ url: "https://e.com", body: { a: 1 } }]);

  const queue: Queue = client.queue({ queueName: "q" });
  await queue.upsert({ parallelism: 2, paused: false });
  const q: QueueResponse = await queue.get();
  const qs: QueueResponse[] = await queue.list();
  await queue.pause();
  await queue.resume();
  await queue.enqueue({ url: "https://e.com", body: "x", delay: "1m" });
  await queue.enqueueJSON({ url: "https://e.com", body: { x: 1 } });
  await queue.delete();
  client.queue();

  const messages: Messages = client.messages;
  const m: Message = await messages.get("msg");
  const c1: { cancelled: number } = await messages.cancel("msg");
  await messages.cancel(["a", "b"]);
  await messages.cancel({ filter: { label: "x", fromDate: new Date(), url: ["a", "b"], host: "h" } });
  await messages.cancel({ all: true, count: 10 });
  await messages.delete("msg");
  const n1: number = await messages.deleteMany(["a"]);
  const n2: number = await messages.deleteAll();

  const schedules: Schedules = client.schedules;
  const { scheduleId } = await schedules.create({
    destination: "https://e.com",
    cron: "* * * * *",
    body: "b",
    headers: { a: "b" },
    delay: 10,
    retries: 1,
    retryDelay: "1000",
    callback: "https://cb",
    failureCallback: "https://f",
    method: "POST",
    timeout: "10s",
    scheduleId: "s",
    queueName: "q",
    flowControl: { key: "k", rate: 1 },
    label: "l",
    redact: { header: true },
  });
  const s: Schedule = await schedules.get(scheduleId);
  const ss: Schedule[] = await schedules.list();
  await schedules.pause({ schedule: scheduleId });
  await schedules.resume({ schedule: scheduleId });
  await schedules.delete(scheduleId);

  const groups: UrlGroups = client.urlGroups;
  await groups.addEndpoints({ name: "g", endpoints: [{ url: "https://a" }, { name: "b", url: "https://b" }] });
  await groups.removeEndpoints({ name: "g", endpoints: [{ name: "b" }, { url: "https://a" }] });
  const g: UrlGroup = await groups.get("g");
  const gs: UrlGroup[] = await client.topics.list();
  await groups.delete("g");

  const dlq: DLQ = client.dlq;
  const list: { messages: DlqMessage[]; cursor?: string } = await dlq.listMessages({ count: 10, filter: { responseStatus: 500 }, cursor: "c" });
  await dlq.listMessages({ dlqIds: ["a"] });
  await dlq.listMessages();
  const one_dlq: DlqMessage = await dlq.get("dlq");
  const del: { deleted: number; cursor?: string } = await dlq.delete("dlq");
  await dlq.delete({ all: true, count: 5, cursor: "c" });
  await dlq.delete({ filter: { url: "https://e.com" } });
  await dlq.deleteMany({ dlqIds: ["a"] });
  const r: { cursor?: string; responses: { messageId: string }[] } = await dlq.retry(["a"]);
  const again: { messageId: string } = await dlq.retryOne("dlq");

  const logs: GetLogsResponse = await client.logs({ count: 10, cursor: "1", filter: { state: "DELIVERED", label: ["a"] } });
  const entry: Log | undefined = logs.logs[0];
  await client.logs({ messageIds: ["m"] });
  await client.events();

  const fc: FlowControlApi = client.flowControl;
  const info: FlowControlInfo = await fc.get("k");
  const all: FlowControlInfo[] = await fc.list();
  const gp: GlobalParallelismInfo = await fc.getGlobalParallelism();
  await fc.pause("k");
  await fc.resume("k");
  await fc.pin("k", { parallelism: 1, rate: 2, period: 60 });
  await fc.unpin("k", { parallelism: true });
  await fc.resetRate("k");

  const keys: SigningKeys = await client.keys.get();
  const rotated: SigningKeys = await client.keys.rotate();

  const http: HttpClient = client.http;
  const base: string = http.baseUrl;
  const attempts: number = http.retry.attempts;
  const wait: number = http.retry.backoff(1);
  const forwarded: string | null = http.headers.get("upstash-forward-x");
  const sdk: string | null = http.telemetryHeaders.get("upstash-telemetry-sdk");
  const dev: boolean | undefined = http.devMode;
  const token: string = client.token;
  const qn: string | undefined = client.queue({ queueName: "q" }).queueName;
  const viaHttp: SigningKeys = await http.request<SigningKeys>({ path: ["v2", "keys"], method: "GET", query: { a: [1, 2] } });
  // @ts-expect-error a request needs its path segments
  await http.request({ method: "GET" });

  try {
    await client.publish({ url: "https://e.com" });
  } catch (e) {
    if (e instanceof QstashRatelimitError || e instanceof QstashDailyRatelimitError) {
      const limit: string | null = e.limit;
    } else if (e instanceof QstashChatRatelimitError) {
      const rr: string | null = e.remainingRequests;
    } else if (e instanceof QstashEmptyArrayError) {
      const msg: string = e.message;
    } else if (e instanceof QstashError) {
      const status: number | undefined = e.status;
    }
  }

  const req: PublishRequest = { url: "https://e.com" };
  // @ts-expect-error a publish result is an object, not a number
  const wrong: number = await client.publish(req);
  // @ts-expect-error message ids are strings
  await client.messages.get(42);
  // @ts-expect-error unknown HTTP method
  await client.publish({ url: "https://e.com", method: "TRACE" });
  // @ts-expect-error delay strings need a unit
  await client.publish({ url: "https://e.com", delay: "10" });
  // @ts-expect-error the queue upsert options are typed
  await queue.upsert({ parallelism: "2" });
  void [id, dedup, group, firstId, q, qs, m, c1, n1, n2, handInfo, s, ss, g, gs, list, one_dlq, del, r, again, entry, info, all, gp, keys, rotated, wrong, base, attempts, wait, viaHttp, forwarded, sdk, dev, token, qn];
}

// The rest of @upstash/qstash's exports (pkg-template/compat.js, errors.js).
export async function compat(client: Client): Promise<void> {
  const text: string = decodeBase64("aGVsbG8=");
  const payload: FailureFunctionPayload = formatWorkflowError(new Error("x"));
  const fromUnknown: { error: string; message: string } = formatWorkflowError("thrown string");
  const setup: AnalyticsSetup = setupAnalytics({ name: "helicone", token: "hk" }, "sk", "https://api.openai.com", "openai");
  const url: string | undefined = setup.baseURL;
  const none: AnalyticsSetup = setupAnalytics(undefined, "sk");
  const started: void = await startDevServer();

  const wfError = new QStashWorkflowError("failed");
  const asQstash: QstashError = wfError;
  const abort = new QStashWorkflowAbort("step-1", { stepId: 1, stepName: "step-1", stepType: "Run", out: 2, concurrent: 1 });
  const stepName: string = abort.stepName;
  const stepId: number | undefined = abort.stepInfo?.stepId;
  // @ts-expect-error the step name is a string
  const notNumber: number = abort.stepName;
  // @ts-expect-error unknown step type
  new QStashWorkflowAbort("s", { stepId: 1, stepName: "s", stepType: "Jump", concurrent: 1 });

  const chat: Chat = client.chat();
  const completion: ChatCompletion = await chat.create({
    provider: openai({ token: "sk" }),
    model: "gpt-3.5-turbo",
    messages: [{ role: "user", content: "hi" }],
  });
  const content: string = completion.choices[0].message.content;
  const stream: AsyncIterable<ChatCompletionChunk> = await chat.create({
    provider: custom({ baseUrl: "https://llm.example.com", token: "t" }),
    model: "any-model",
    messages: [{ role: "system", content: "be brief" }],
    stream: true,
  });
  for await (const chunk of stream) {
    const delta: string = chunk.choices[0].delta.content;
    void delta;
  }
  const prompted: ChatCompletion = await chat.prompt({
    provider: upstash(),
    model: "meta-llama/Meta-Llama-3-8B-Instruct",
    system: "s",
    user: "u",
    analytics: { name: "helicone", token: "hk" },
  });
  // As in the official's types, any provider goes with any model string.
  await chat.create({ provider: upstash(), model: "gpt-4", messages: [] });
  // @ts-expect-error messages are role + content
  await chat.create({ provider: openai({ token: "sk" }), model: "gpt-4", messages: [{ role: "robot", content: "x" }] });

  const workflow: Workflow = client.workflow;
  const cancelled: true | { error: string } = await workflow.cancel("wfr_1");
  // @ts-expect-error a run id is a string
  await client.workflow.cancel(42);
  void [text, payload, fromUnknown, url, none, started, asQstash, stepName, stepId, notNumber, content, prompted, cancelled];
}
