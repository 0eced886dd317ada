import { Injectable, type PipeTransform } from '@nestjs/common';
import { HttpErrors } from '../errors/http-errors.js';
import {
  CONVERSATION_ID_PATTERN,
  CONVERSATION_ID_RULE,
} from './conversation-id.js';

/** Validates a conversation id taken from the path. */
@Injectable()
export class ConversationIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CONVERSATION_ID_PATTERN.test(value)) {
      throw HttpErrors.validation(CONVERSATION_ID_RULE, [
        {
          field: 'conversationId',
          rule: 'matches',
          message: CONVERSATION_ID_RULE,
        },
      ]);
    }
    return value;
  }
}
