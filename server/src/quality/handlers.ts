import type { AgentAckData, AgentRequest } from '#shared';
import type { QualityService } from './service';

/** A console's quality requests: its end's reports, and a phone's quality for its health detail. */
export function qualityAgentHandlers(quality: QualityService, agentId: string) {
  return {
    'quality:report': (req: AgentRequest<'quality:report'>): Promise<AgentAckData['quality:report']> =>
      quality.report({ agentId }, req),
    'quality:phone': ({ deviceId }: AgentRequest<'quality:phone'>): Promise<AgentAckData['quality:phone']> =>
      quality.phone(deviceId),
  };
}
