/**
 * Lines the real Claude Code CLI (2.1.x) wrote, recorded through the relay with the fake Anthropic
 * API of test/support (a relay from startTestRelay, a client sending session.configure with each
 * model, a prompt held open by heldText then `interrupt`, a Write's permission request then
 * `interrupt`, and an API answering 400). Used as they came by the clients' tests.
 */

/** Claude's echo of `session.configure` {model: "haiku"}. */
export const MODEL_SET_HAIKU = {
  type: "user",
  message: { role: "user", content: "<local-command-stdout>Set model to haiku (claude-haiku-4-5-20251001)</local-command-stdout>" },
  session_id: "363018e9-cd2e-447f-9eff-914cfdf494c9",
  parent_tool_use_id: null,
  uuid: "6d48073b-b1c3-408b-88df-7018db23edb0",
  timestamp: "2026-12-06T09:54:01.899Z",
  isReplay: true,
};

/** … of {model: "default"}: Claude names the model it resolves to. */
export const MODEL_SET_DEFAULT = {
  type: "user",
  message: { role: "user", content: "<local-command-stdout>Set model to claude-opus-4-8[1m]</local-command-stdout>" },
  session_id: "363018e9-cd2e-447f-9eff-914cfdf494c9",
  parent_tool_use_id: null,
  uuid: "0aa9c6be-0e16-43a0-b437-66a31dd2b132",
  timestamp: "2026-12-06T09:54:01.901Z",
  isReplay: true,
};

/** … of {model: "sonnet"}. */
export const MODEL_SET_SONNET = {
  type: "user",
  message: { role: "user", content: "<local-command-stdout>Set model to sonnet (claude-sonnet-5)</local-command-stdout>" },
  session_id: "363018e9-cd2e-447f-9eff-914cfdf494c9",
  parent_tool_use_id: null,
  uuid: "af58bc1c-c08f-49b6-842a-52adfdc035bf",
  timestamp: "2026-12-06T09:54:01.903Z",
  isReplay: true,
};

/** An `interrupt` while the API was streaming (a held answer): the marker … */
export const INTERRUPTED_MARKER = {
  type: "user",
  message: { role: "user", content: [{ type: "text", text: "[Request interrupted by user]" }] },
  parent_tool_use_id: null,
  session_id: "363018e9-cd2e-447f-9eff-914cfdf494c9",
  uuid: "f4a065d5-635f-45a8-8f49-11326506fdff",
  timestamp: "2026-12-06T09:54:03.408Z",
};

/** … and the turn's end. */
export const INTERRUPTED_RESULT = {
  type: "result",
  subtype: "error_during_execution",
  duration_ms: 1505,
  duration_api_ms: 50,
  is_error: true,
  num_turns: 2,
  stop_reason: null,
  session_id: "363018e9-cd2e-447f-9eff-914cfdf494c9",
  total_cost_usd: 0.000175,
  usage: {
    input_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 0,
    server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
    service_tier: "standard",
    cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
    inference_geo: "",
    iterations: [],
    speed: "standard",
  },
  modelUsage: {
    "claude-opus-4-8[1m]": {
      inputTokens: 10,
      outputTokens: 5,
      cacheReadInputTokens: 0,
      cacheCreationInputTokens: 0,
      webSearchRequests: 0,
      costUSD: 0.000175,
      contextWindow: 1000000,
      maxOutputTokens: 64000,
    },
  },
  permission_denials: [],
  terminal_reason: "aborted_streaming",
  fast_mode_state: "off",
  uuid: "c51fb9bf-0125-4a4a-b5fb-a10b07641fff",
  errors: ["[ede_diagnostic] result_type=user last_content_type=n/a stop_reason=null"],
};

/** An `interrupt` while a Write waited for permission: the marker … */
export const INTERRUPTED_FOR_TOOL_MARKER = {
  type: "user",
  message: { role: "user", content: [{ type: "text", text: "[Request interrupted by user for tool use]" }] },
  parent_tool_use_id: null,
  session_id: "77a88419-b639-4eeb-b7c6-59f068a8013e",
  uuid: "1a0e4068-cd2b-4036-9e1a-4b2ddb985143",
  timestamp: "2026-12-06T09:54:05.158Z",
};

/** … and the turn's end. */
export const INTERRUPTED_FOR_TOOL_RESULT = {
  type: "result",
  subtype: "error_during_execution",
  duration_ms: 96,
  duration_api_ms: 34,
  is_error: true,
  num_turns: 3,
  stop_reason: "tool_use",
  session_id: "77a88419-b639-4eeb-b7c6-59f068a8013e",
  total_cost_usd: 0.000175,
  usage: {
    input_tokens: 10,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 5,
    server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
    service_tier: "standard",
    cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
    inference_geo: "",
    iterations: [],
    speed: "standard",
  },
  modelUsage: {
    "claude-opus-4-8[1m]": {
      inputTokens: 10,
      outputTokens: 5,
      cacheReadInputTokens: 0,
      cacheCreationInputTokens: 0,
      webSearchRequests: 0,
      costUSD: 0.000175,
      contextWindow: 1000000,
      maxOutputTokens: 64000,
    },
  },
  permission_denials: [{ tool_name: "Write", tool_use_id: "toolu_fake000001", tool_input: { file_path: "/tmp/relay-e2e-iK91Gu/work/x.txt", content: "x" } }],
  terminal_reason: "aborted_tools",
  fast_mode_state: "off",
  uuid: "970d94c0-9147-48f6-952f-5b11931bb342",
  errors: ["[ede_diagnostic] result_type=user last_content_type=n/a stop_reason=tool_use"],
};

/** A real error: the API answered 400; Claude's made-up message … */
export const API_ERROR_ASSISTANT = {
  type: "assistant",
  message: {
    id: "62432290-623d-4193-952f-3c7c28451de3",
    container: null,
    model: "<synthetic>",
    role: "assistant",
    stop_details: null,
    stop_reason: "stop_sequence",
    stop_sequence: "",
    type: "message",
    usage: {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
      service_tier: null,
      cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
      inference_geo: null,
      iterations: null,
      speed: null,
    },
    content: [{ type: "text", text: "API Error: 400 messages: text content blocks must be non-empty" }],
    context_management: null,
  },
  parent_tool_use_id: null,
  session_id: "52c3b185-a0dc-429b-ad0c-222fc7eb82c9",
  uuid: "1c85685f-cf16-4869-b891-35621744f4ca",
  error: "unknown",
};

/** … and the turn's end, an error. */
export const API_ERROR_RESULT = {
  type: "result",
  subtype: "success",
  is_error: true,
  api_error_status: 400,
  duration_ms: 100,
  duration_api_ms: 0,
  num_turns: 1,
  result: "API Error: 400 messages: text content blocks must be non-empty",
  stop_reason: "stop_sequence",
  session_id: "52c3b185-a0dc-429b-ad0c-222fc7eb82c9",
  total_cost_usd: 0,
  usage: {
    input_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 0,
    server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
    service_tier: "standard",
    cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
    inference_geo: "",
    iterations: [],
    speed: "standard",
  },
  modelUsage: {},
  permission_denials: [],
  terminal_reason: "completed",
  fast_mode_state: "off",
  uuid: "9d43aa3c-6669-4f79-a75e-be92b6f30e67",
};

/** A turn that went well. */
export const SUCCESS_RESULT = {
  type: "result",
  subtype: "success",
  is_error: false,
  api_error_status: null,
  duration_ms: 92,
  duration_api_ms: 50,
  ttft_ms: 55,
  ttft_stream_ms: 53,
  time_to_request_ms: 44,
  num_turns: 1,
  result: "ok",
  stop_reason: "end_turn",
  session_id: "363018e9-cd2e-447f-9eff-914cfdf494c9",
  total_cost_usd: 0.000175,
  usage: {
    input_tokens: 10,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 5,
    server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
    service_tier: "standard",
    cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
    inference_geo: "",
    iterations: [],
    speed: "standard",
  },
  modelUsage: {
    "claude-opus-4-8[1m]": {
      inputTokens: 10,
      outputTokens: 5,
      cacheReadInputTokens: 0,
      cacheCreationInputTokens: 0,
      webSearchRequests: 0,
      costUSD: 0.000175,
      contextWindow: 1000000,
      maxOutputTokens: 64000,
    },
  },
  permission_denials: [],
  terminal_reason: "completed",
  fast_mode_state: "off",
  uuid: "92772f22-d2bd-4cc1-bdf4-c4ff8be61cb4",
};
