/** Which variables install carries into the service, and whether they are enough to log in. */
import { describe, expect, test } from "bun:test";
import { hasCredentialVariables, serviceEnvironment } from "../../../src/cli/service/environment.ts";

describe("serviceEnvironment", () => {
  test("carries ANTHROPIC_* and Claude's login and provider variables, sorted; nothing else", () => {
    const env = {
      HOME: "/home/me",
      PATH: "/usr/bin",
      ANTHROPIC_BASE_URL: "https://proxy.example",
      ANTHROPIC_API_KEY: "sk-ant-secret",
      ANTHROPIC_MODEL: "opus",
      CLAUDE_CONFIG_DIR: "/home/me/.claude-work",
      CLAUDE_CODE_OAUTH_TOKEN: "oauth-secret",
      // set when install runs inside Claude Code: bound to that session, wrong for the service
      CLAUDE_CODE_ENTRYPOINT: "cli",
      CLAUDE_CODE_SSE_PORT: "41234",
      CLAUDECODE: "1",
      // file descriptors do not survive into a service
      CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR: "3",
      AWS_SECRET_ACCESS_KEY: "not carried without Bedrock",
      EMPTY: "",
      ANTHROPIC_EMPTY: "",
    };
    expect(serviceEnvironment(env)).toEqual({
      ANTHROPIC_API_KEY: "sk-ant-secret",
      ANTHROPIC_BASE_URL: "https://proxy.example",
      ANTHROPIC_MODEL: "opus",
      CLAUDE_CODE_OAUTH_TOKEN: "oauth-secret",
      CLAUDE_CONFIG_DIR: "/home/me/.claude-work",
    });
    expect(Object.keys(serviceEnvironment(env))).toEqual([
      "ANTHROPIC_API_KEY",
      "ANTHROPIC_BASE_URL",
      "ANTHROPIC_MODEL",
      "CLAUDE_CODE_OAUTH_TOKEN",
      "CLAUDE_CONFIG_DIR",
    ]);
  });

  test("with Bedrock, the AWS credentials and region come along", () => {
    const env = { CLAUDE_CODE_USE_BEDROCK: "1", AWS_REGION: "us-east-1", AWS_PROFILE: "work", GOOGLE_CLOUD_PROJECT: "not for bedrock" };
    expect(serviceEnvironment(env)).toEqual({ AWS_PROFILE: "work", AWS_REGION: "us-east-1", CLAUDE_CODE_USE_BEDROCK: "1" });
  });

  test("with Vertex, the Google project, credentials and regions come along", () => {
    const env = {
      CLAUDE_CODE_USE_VERTEX: "1",
      CLOUD_ML_REGION: "us-east5",
      ANTHROPIC_VERTEX_PROJECT_ID: "p",
      GOOGLE_APPLICATION_CREDENTIALS: "/k.json",
      VERTEX_REGION_CLAUDE_3_5_SONNET: "eu",
      AWS_REGION: "no",
    };
    expect(Object.keys(serviceEnvironment(env))).toEqual([
      "ANTHROPIC_VERTEX_PROJECT_ID",
      "CLAUDE_CODE_USE_VERTEX",
      "CLOUD_ML_REGION",
      "GOOGLE_APPLICATION_CREDENTIALS",
      "VERTEX_REGION_CLAUDE_3_5_SONNET",
    ]);
  });
});

describe("hasCredentialVariables", () => {
  test("a key, a token or a cloud provider is enough; a base URL or model alone is not", () => {
    expect(hasCredentialVariables({ ANTHROPIC_API_KEY: "k" })).toBe(true);
    expect(hasCredentialVariables({ ANTHROPIC_AUTH_TOKEN: "t" })).toBe(true);
    expect(hasCredentialVariables({ CLAUDE_CODE_OAUTH_TOKEN: "t" })).toBe(true);
    expect(hasCredentialVariables({ CLAUDE_CODE_USE_BEDROCK: "1" })).toBe(true);
    expect(hasCredentialVariables({ ANTHROPIC_BASE_URL: "http://x", ANTHROPIC_MODEL: "opus", CLAUDE_CONFIG_DIR: "/c" })).toBe(false);
    expect(hasCredentialVariables({})).toBe(false);
  });
});
