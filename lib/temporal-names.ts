// Names shared by the CLI, the worker and workflow code. Pure constants: safe to import from workflows.

export const SYNC_TASK_QUEUE = 'cdp-sync';
export const BUILD_TASK_QUEUE = 'cdp-build';

/** Search attributes registered on the dev server so runs can be filtered by them. */
export const SEARCH_ATTRIBUTE_NAMES = ['CdpConnection', 'CdpSource', 'CdpMode', 'CdpEnvironment'] as const;

export const syncWorkflowId = (connectionId: string): string => `sync:${connectionId}`;
export const BUILD_WORKFLOW_ID = 'build:warehouse';
