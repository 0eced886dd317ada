import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString } from 'class-validator';
import { IsWellFormedText } from '../../common/validation/is-well-formed-text.decorator.js';
import type { ChatRole } from '../../llm/llm.types.js';

export class ChatMessageDto {
  @ApiProperty({ enum: ['user', 'assistant'], example: 'user' })
  @IsIn(['user', 'assistant'])
  role: ChatRole;

  @ApiProperty({
    example: 'What is Server-Sent Events?',
    description: 'Non-empty text; the limit is MAX_MESSAGE_CHARS characters.',
  })
  @IsString()
  @IsNotEmpty()
  @IsWellFormedText()
  content: string;
}
